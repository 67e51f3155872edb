/**
 * Why the root of the package cannot be loaded in a bundle made for a browser, and what to
 * import instead (see nodeEntryInBrowser.ts).
 */
export const NODE_ENTRY_IN_BROWSER =
  "rxjs-kinesis: the package's root is the Node library, and this bundle resolved it for a " +
  "browser. In browser code import the producer from 'rxjs-kinesis/browser' (toKinesis, Producer, " +
  "the processors). Under Jest's jsdom environment, which resolves packages for a browser too, " +
  'test Node code in the node environment or set testEnvironmentOptions.customExportConditions ' +
  "to ['node', 'node-addons'].";
