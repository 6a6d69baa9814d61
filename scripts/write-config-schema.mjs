// Writes config-schema.json (the JSON Schema of config files, for editors) from the built zod schema.
// Run by `npm run build` after tsc; a test keeps the committed file equal to what this writes.
import { writeFileSync } from 'node:fs';
import { configJsonSchema } from '../dist/config/config-json-schema.js';

writeFileSync(new URL('../config-schema.json', import.meta.url), `${JSON.stringify(configJsonSchema())}\n`);
