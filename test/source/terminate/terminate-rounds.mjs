// Floods a UDP port on lo and, `rounds` times, starts a capture worker on it and terminates it mid-capture; prints "survived".
import dgram from 'node:dgram';
import { Worker } from 'node:worker_threads';

const [liveSource, port, rounds] = [process.argv[2], Number(process.argv[3]), Number(process.argv[4])];
const sock = dgram.createSocket('udp4');
const payload = Buffer.alloc(200);
let sending = true;
const flood = () => {
  if (!sending) return;
  for (let i = 0; i < 200; i++) sock.send(payload, port, '127.0.0.1');
  setImmediate(flood);
};
flood();
for (let round = 0; round < rounds; round++) {
  const worker = new Worker(new URL('./capture-worker.mjs', import.meta.url), { workerData: { liveSource, port } });
  await new Promise((resolve) => worker.once('message', resolve));
  await new Promise((resolve) => setTimeout(resolve, 50 + (round % 5) * 25));
  await worker.terminate();
}
sending = false;
sock.close();
console.log('survived');
