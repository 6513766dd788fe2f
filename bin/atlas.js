#!/bin/sh
':' //; [ "$ATLAS_HUGE_PAGES" = off ] || export GLIBC_TUNABLES="${GLIBC_TUNABLES:+$GLIBC_TUNABLES:}glibc.malloc.hugetlb=1"; exec node "$0" "$@"
// Entry point of the `atlas` command: runs the CLI compiled from src/ (recompiled when a source changes), or the
// TypeScript sources through tsx's loader when it cannot be compiled (bin/cli-bundle.js).
//
// Run as a program (`npx atlas`, `bin/atlas.js`), the line above — a shell command there, a string and a comment to
// JavaScript — starts node with glibc's malloc asked to back large allocations with transparent huge pages: a new
// process reading its search index or tie graph from disk spends most of that read faulting in fresh memory page by
// page, and 2 MB pages make that read ~10× faster on Linux (docs/search.md, "Cold start"). `ATLAS_HUGE_PAGES=off`
// leaves malloc as it is; elsewhere than glibc the variable means nothing. `node bin/atlas.js` skips that line.
import { startCli } from './cli-bundle.js';
await startCli();
