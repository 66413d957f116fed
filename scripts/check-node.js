// Plain JavaScript with no imports, so that it runs on any Node and can explain why an old one will not do.
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 17)) {
  console.error(`Waymark needs Node 22.17 or newer, got v${process.versions.node}; run npm ci and start it with npm run (which uses the Node 24 that npm ci installs).`);
  process.exit(1);
}
