// A later workflow step of the demo (`run:`), using the key the action exported as VAST_API_KEY.
const response = await fetch(`${process.env.DEMO_API_URL}/api/v0/users/current`, {
  headers: { Authorization: `Bearer ${process.env.VAST_API_KEY}` },
})
await response.arrayBuffer()
console.log(`GET /api/v0/users/current with $VAST_API_KEY -> HTTP ${response.status}`)
