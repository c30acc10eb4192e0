// Test support for the worker pool: an encoder whose worker thread dies when it writes a file.
export const createEncoder = () => ({
  rows: 0,
  addRowGroup() {},
  finish() {
    process.exit(7)
  },
})
