import { describe, expect, it } from 'vitest';
import { TCP_FLAG } from '../decode/tcp-flags.js';
import { isOddTcp } from './packet-kinds.js';

describe('isOddTcp', () => {
  it('flags exactly the combinations of its definition, for every flag byte', () => {
    const { FIN, SYN, RST, ACK, ECE, CWR } = TCP_FLAG;
    for (let flags = 0; flags < 512; flags++) {
      const f = flags & ~(ECE | CWR);
      const synWithFinOrRst = (f & SYN) !== 0 && (f & (FIN | RST)) !== 0;
      const noAckAndNotPlain = (f & ACK) === 0 && f !== SYN && f !== RST;
      expect(isOddTcp(flags), `flags 0x${flags.toString(16)}`).toBe(synWithFinOrRst || noAckAndNotPlain);
    }
    // Probes: NULL, FIN, Xmas (FIN+PSH+URG), SYN+FIN; ordinary: SYN, SYN-ACK, ACK, RST, RST-ACK, ECN SYN.
    expect([0, FIN, FIN | TCP_FLAG.PSH | TCP_FLAG.URG, SYN | FIN].map(isOddTcp)).toEqual([true, true, true, true]);
    expect([SYN, SYN | ACK, ACK, RST, RST | ACK, SYN | ECE | CWR].map(isOddTcp)).toEqual([false, false, false, false, false, false]);
  });
});
