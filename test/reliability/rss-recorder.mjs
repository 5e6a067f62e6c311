// Preload (node --import) for the memory test: at exit, writes the process's peak resident set
// size (getrusage ru_maxrss: the main thread, the worker threads and native allocations alike)
// to the file named by MEDSAPIENS_RSS_FILE.
import fs from 'node:fs';

const out = process.env.MEDSAPIENS_RSS_FILE;
if (out) {
  process.on('exit', () => {
    fs.writeFileSync(out, JSON.stringify({ pid: process.pid, maxRssKb: process.resourceUsage().maxRSS }));
  });
}
