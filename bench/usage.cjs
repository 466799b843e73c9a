// Preloaded (`node --require bench/usage.cjs …`) into a measured process: at exit, writes its CPU
// time and peak RSS (worker threads included) as JSON to the file named by BENCH_USAGE_FILE.
const { writeFileSync } = require('node:fs');

process.on('exit', () => {
  const file = process.env.BENCH_USAGE_FILE;
  if (!file) return;
  const u = process.resourceUsage();
  writeFileSync(file, JSON.stringify({ cpuSeconds: (u.userCPUTime + u.systemCPUTime) / 1e6, peakRssMB: u.maxRSS / 1024 }));
});
