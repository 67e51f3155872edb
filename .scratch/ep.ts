import { toKinesis, fromKinesis } from '../src/index.js';
for (const endpoint of ['AKIAEXAMPLE:s3cr3tpass@kinesis.local', 'kinesis.local:4567', 'user:hunter2@', 'ftp://u:pw99@x']) {
  try { toKinesis({ streamName: 's', endpoint }); console.log('accepted', endpoint); } catch (e) { console.log((e as Error).message); }
  try { fromKinesis({ streamName: 's', endpoint }); console.log('accepted', endpoint); } catch (e) { console.log((e as Error).message); }
}
