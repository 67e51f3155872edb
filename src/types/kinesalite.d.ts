declare module 'kinesalite' {
  import type { Server } from 'node:http';
  interface KinesaliteOptions {
    ssl?: boolean;
    path?: string;
    createStreamMs?: number;
    deleteStreamMs?: number;
    updateStreamMs?: number;
    shardLimit?: number;
  }
  function kinesalite(options?: KinesaliteOptions): Server;
  export = kinesalite;
}
