// Preloaded into each server under test (node --import): exits when the bench process is gone, even after SIGKILL.
const parent = process.ppid;
setInterval(() => {
  // An orphan is re-parented (to init or a subreaper), so a changed ppid means the bench died.
  if (process.ppid !== parent) process.exit(1);
}, 500).unref();
