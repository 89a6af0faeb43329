import { describe, expect, it } from 'vitest';
import { createSseParser } from './sse';

const stream = 'event: progress\ndata: {"rowsDone":10,"rowsTotal":100}\n\n: keep-alive\n\nevent: status\r\ndata: {"status":"COMPLETED"}\r\n\r\n';

describe('createSseParser', () => {
  it('reads named events in any chunking, with \\n or \\r\\n line ends, skipping comments', () => {
    for (const size of [1, 2, 3, 7, stream.length]) {
      const parse = createSseParser();
      const events = [];
      for (let i = 0; i < stream.length; i += size) events.push(...parse(stream.slice(i, i + size)));
      expect(events).toEqual([
        { event: 'progress', data: '{"rowsDone":10,"rowsTotal":100}' },
        { event: 'status', data: '{"status":"COMPLETED"}' },
      ]);
    }
  });

  it('joins data lines and names an unnamed event "message"', () => {
    expect(createSseParser()('data: a\ndata: b\n\n')).toEqual([{ event: 'message', data: 'a\nb' }]);
  });
});
