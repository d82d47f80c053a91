// A later workflow step of the demo (`run:`), using the key the action exported as VAST_API_KEY.
// Like a shell step with `set -x`, it first prints the command it runs, key included: the runner
// masks the key in the log (the demo shows the line both ways). Then it asks Vast for the account,
// which the scoped key is not allowed to read.
const url = `${process.env.DEMO_API_URL}/api/v0/users/current`
console.log(`+ curl -H "Authorization: Bearer ${process.env.VAST_API_KEY}" ${url}`)
const response = await fetch(url, {
  headers: { Authorization: `Bearer ${process.env.VAST_API_KEY}` },
})
await response.arrayBuffer()
console.log(`GET /api/v0/users/current with $VAST_API_KEY -> HTTP ${response.status}`)
