#!/usr/bin/env node
// The version check loads first, so that an old Node stops with a clear message rather than a syntax error.
await import('../scripts/check-node.js');
const { main } = await import('../src/cli.ts');
process.exitCode = await main(process.argv.slice(2));
