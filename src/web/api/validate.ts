export { parseBody } from '../../errors/parse-input.js';
