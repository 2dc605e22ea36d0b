import { preset } from '../../tsup.preset.js';

// "./etcd" is a separate entry: benchmarks start etcd without loading vitest.
export default preset({ entry: ['src/index.ts', 'src/etcd.ts'] });
