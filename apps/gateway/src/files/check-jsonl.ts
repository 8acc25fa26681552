import { InvalidRequestError } from '@switchyard/contracts';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * A batch input file must be JSON Lines: every non-blank line one JSON
 * object. What each object must hold (custom_id, url, body) is checked when a
 * batch is created from the file, not here.
 */
export function checkJsonl(content: Buffer): void {
  let text: string;
  try {
    text = utf8.decode(content);
  } catch {
    throw new InvalidRequestError('The file is not UTF-8 text; a batch file is JSON Lines.', { param: 'file' });
  }
  let objects = 0;
  let lineNumber = 0;
  // indexOf rather than split: a 100 MiB file would otherwise be copied into an array of lines first.
  for (let start = 0; start <= text.length; ) {
    const newline = text.indexOf('\n', start);
    const end = newline === -1 ? text.length : newline;
    const line = text.slice(start, end);
    lineNumber++;
    start = end + 1;
    if (line.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      throw new InvalidRequestError(`Line ${lineNumber} of the file is not valid JSON: ${(error as Error).message}`, { param: 'file' });
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new InvalidRequestError(`Line ${lineNumber} of the file is not a JSON object.`, { param: 'file' });
    }
    objects++;
  }
  if (objects === 0) throw new InvalidRequestError('The file is empty; a batch file holds one JSON request per line.', { param: 'file' });
}
