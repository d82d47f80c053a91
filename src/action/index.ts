// The bundle's root. dist/main.js and dist/post.js (written by scripts/build.mjs) each call one.
export { main } from './main.ts'
export { post } from './post.ts'
