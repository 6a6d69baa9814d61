#!/usr/bin/env node
/** Entry point of the `offpath` binary. @module */
import { buildProgram } from './program.js';

buildProgram()
  .parseAsync(process.argv)
  .catch((error: unknown) => {
    process.stderr.write(`offpath: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  });
