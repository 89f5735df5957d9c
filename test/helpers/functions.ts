/** Test fixtures: function code packages built as real zips. */
import { createZip } from '../../src/functions/index.js';
import { $FC } from './sdk.js';

export async function zipBase64(files: Record<string, string>): Promise<string> {
  return (await createZip(files)).toString('base64');
}

export const ECHO_FUNCTION = {
  'index.js': `exports.handler = async (event, context) => event;\n`,
};

export async function createFunctionInput(functionName: string, files: Record<string, string> = ECHO_FUNCTION, extra: Record<string, unknown> = {}) {
  return new $FC.CreateFunctionInput({
    functionName,
    runtime: 'nodejs20',
    handler: 'index.handler',
    code: new $FC.InputCodeLocation({ zipFile: await zipBase64(files) }),
    ...extra,
  });
}

let counter = 0;
/** A fresh, valid function name per call. */
export function uniqueName(prefix = 'fn'): string {
  return `${prefix}-${process.pid}-${Date.now().toString(36)}-${counter++}`;
}
