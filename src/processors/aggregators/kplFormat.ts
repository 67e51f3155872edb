/** First four bytes of a KPL aggregated record. */
export const KPL_MAGIC: Readonly<Uint8Array> = Uint8Array.of(0xf3, 0x89, 0x9a, 0xc2);
/** Length of the MD5 trailer (of the protobuf body) at the end of a KPL aggregated record. */
export const KPL_DIGEST_SIZE = 16;
/** Bytes a KPL aggregated record adds around its protobuf body: magic + MD5. */
export const KPL_OVERHEAD = KPL_MAGIC.length + KPL_DIGEST_SIZE;

/** True when `data` starts with the KPL magic number. */
export function hasKplMagic(data: Uint8Array): boolean {
  return (
    data.byteLength >= 4 &&
    data[0] === KPL_MAGIC[0] &&
    data[1] === KPL_MAGIC[1] &&
    data[2] === KPL_MAGIC[2] &&
    data[3] === KPL_MAGIC[3]
  );
}
