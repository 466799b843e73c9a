// The floor: read every byte of every page, nothing else. `node bench/floor.mjs DIR`
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

let bytes = 0;
let files = 0;
const dir = path.join(process.argv[2], 'Page');
for (const name of readdirSync(dir)) {
  bytes += readFileSync(path.join(dir, name)).length;
  files++;
}
console.log(JSON.stringify({ files, bytes }));
