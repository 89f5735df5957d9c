// Preloaded into `openfc serve` by bench/async/run.ts (`node --require`): counts the commits (so the
// WAL fsyncs) of the async queue's database, to report the group-commit batch size. The queue runs
// every write of one event-loop turn (enqueues, claims, settles, retries, renewals) in one outer
// transaction (sqlite-queue.ts `commitAll`, called with the array of writes); each write is a nested
// transaction (a savepoint, no fsync). So: an outer transaction is one commit, and its array's length
// is the number of writes it carried. On SIGUSR2 it writes the counts to $BENCH_QUEUE_TX_COUNTER_FILE.
// The field names are the ones run.ts reads: enqueueTx = commits, enqueuedEvents = writes in them.
'use strict';
const fs = require('fs');
const Database = require('better-sqlite3');

const file = process.env.BENCH_QUEUE_TX_COUNTER_FILE;
const counts = { enqueueTx: 0, enqueuedEvents: 0, claimTx: 0, claimedEvents: 0, recoverTx: 0, otherTx: 0 };

const transaction = Database.prototype.transaction;
Database.prototype.transaction = function (fn) {
  const tx = transaction.call(this, fn);
  if (!/(^|\/)queue\.db$/.test(this.name)) return tx;
  const db = this;
  const counted = function (...args) {
    const isOuter = !db.inTransaction;
    const out = tx.apply(this, args);
    if (isOuter) {
      counts.enqueueTx++;
      counts.enqueuedEvents += Array.isArray(args[0]) ? args[0].length : 1;
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
