// No import cycles (docs/development.md): `npm run lint` runs dependency-cruiser with these rules
// over every TypeScript file. A file may not import, directly or through others, a file that
// imports it; type-only imports count too (TypeScript erases them, but they still tie two files
// into one). __tests__/import-cycles.test.ts cruises small trees written for it to prove a cycle
// is caught.
export default {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment:
        'An import cycle: move the piece both files need where it belongs (a file of its own, or the one that owns it).',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // Type-only imports (`import type`) are dependencies too.
    tsPreCompilationDeps: true,
  },
}
