// Loaded with `node --import` by `npm run bench`: records every JavaScript file the process loads
// (bytes of source) and its peak RSS, and writes them as JSON to $BENCH_PROBE_OUT at exit.
import { registerHooks } from 'node:module'
import { writeFileSync } from 'node:fs'

const loaded = {}
registerHooks({
  load(url, context, nextLoad) {
    const result = nextLoad(url, context)
    if (url.startsWith('file:') && result.source != null) {
      loaded[url] =
        typeof result.source === 'string'
          ? Buffer.byteLength(result.source)
          : result.source.byteLength
    }
    return result
  },
})
process.on('exit', () => {
  if (!process.env.BENCH_PROBE_OUT) return
  writeFileSync(
    process.env.BENCH_PROBE_OUT,
    JSON.stringify({ loaded, maxRssKb: process.resourceUsage().maxRSS }),
  )
})
