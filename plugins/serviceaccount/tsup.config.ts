import { preset } from '../../tsup.preset.js';

export default preset();
