/**
 * @module iam/signature-worker
 * The worker-thread side of {@link module:iam/signature-verifier}: takes a batch of signature
 * tasks and answers with their verdicts, in order.
 */
import { parentPort } from 'node:worker_threads';
import { runSignatureTask, type SignatureTask, type SignatureVerdict } from './acs3-signature.js';

parentPort!.on('message', (batch: SignatureTask[]) => {
  const verdicts: SignatureVerdict[] = new Array(batch.length);
  for (let i = 0; i < batch.length; i++) {
    try {
      verdicts[i] = runSignatureTask(batch[i]!);
    } catch {
      verdicts[i] = 'signature-mismatch';
    }
  }
  parentPort!.postMessage(verdicts);
});
parentPort!.postMessage('ready');
