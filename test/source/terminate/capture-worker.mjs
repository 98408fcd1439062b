// A worker thread that captures the test's UDP port on lo and does some work per batch (most of its time is then spent in the callback) until it is terminated.
import { parentPort, workerData } from 'node:worker_threads';

const { LiveSource } = await import(workerData.liveSource);
const source = new LiveSource({ interface: 'lo', filter: `udp port ${workerData.port}` });
source.open();
source.run(() => {
  let x = 0;
  for (let i = 0; i < 300_000; i++) x += i;
  return x;
});
parentPort.postMessage('capturing');
