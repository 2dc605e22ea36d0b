import { preset } from '../../tsup.preset.js';

export default preset({ entry: ['src/index.ts', 'src/bin.ts'] });
