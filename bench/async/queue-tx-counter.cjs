// Preloaded into `openfc serve` by bench/async/run.ts (`node --require`): counts the transactions
// (so the commits and WAL fsyncs) of the async queue's database, to report the group-commit batch
// size. It wraps better-sqlite3's `Database#transaction` for files named queue.db; a transaction
// whose first argument is an array is an enqueue batch (sqlite-queue.ts `insertBatch`), one whose
// first argument has `owner` is a claim, a number is lease recovery, anything else a settle or retry. On SIGUSR2 it writes the counts to
// $BENCH_QUEUE_TX_COUNTER_FILE. The cost is one extra function call per transaction.
'use strict';
const fs = require('fs');
const Database = require('better-sqlite3');

const file = process.env.BENCH_QUEUE_TX_COUNTER_FILE;
const counts = {
  /** Enqueue transactions (one fsync each) and the events they stored. */
  enqueueTx: 0, enqueuedEvents: 0,
  /** Claim transactions that leased at least one event (the others write nothing). */
  claimTx: 0, claimedEvents: 0,
  /** Lease recovery on every dispatcher poll (writes only when a lease expired). */
  recoverTx: 0,
  /** Settle, retry, stop: one per call. */
  otherTx: 0,
};

const transaction = Database.prototype.transaction;
Database.prototype.transaction = function (fn) {
  const tx = transaction.call(this, fn);
  if (!/(^|\/)queue\.db$/.test(this.name)) return tx;
  const counted = function (...args) {
    const first = args[0];
    const out = tx.apply(this, args);
    if (Array.isArray(first)) {
      counts.enqueueTx++;
      counts.enqueuedEvents += first.length;
    } else if (first && typeof first === 'object' && 'owner' in first) {
      if (Array.isArray(out) && out.length) {
        counts.claimTx++;
        counts.claimedEvents += out.length;
      }
    } else if (typeof first === 'number') {
      counts.recoverTx++;
    } else {
      counts.otherTx++;
    }
    return out;
  };
  // Keep `.deferred`, `.immediate`, `.exclusive`, `.default`, `.database`.
  for (const [key, d] of Object.entries(Object.getOwnPropertyDescriptors(tx))) {
    if (!['length', 'name', 'prototype'].includes(key)) Object.defineProperty(counted, key, d);
  }
  return counted;
};

if (file) process.on('SIGUSR2', () => fs.writeFileSync(file, JSON.stringify(counts)));
