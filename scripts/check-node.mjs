// Tests and scripts must run on Node 24, the runner's version. npm puts node_modules/.bin first on
// PATH, where the `node` devDependency links Node 24; an install made with --ignore-scripts or
// without devDependencies leaves the machine's older Node in its place.
const major = Number(process.versions.node.split('.')[0])
if (major < 24) {
  console.error(
    `Node ${process.versions.node} is running, but this project needs Node 24 (the runner's). ` +
      'Run `npm install` (without --ignore-scripts) so that the pinned `node` devDependency is installed.',
  )
  process.exit(1)
}
