import { optionalAddonExport } from '../source/pcap-binding.js';

/** native/inspector-signal.cc: sets SIGUSR1's disposition to "ignore". */
type DisableInspectorSignal = () => void;

/**
 * Keeps SIGUSR1 from opening the V8 inspector (which would let any process
 * of the same user run code inside netscore) and from ending netscore. Node
 * 20 has no --disable-sigusr1, so the addon sets the signal to "ignore";
 * without the addon a do-nothing listener replaces Node's handler the same way.
 */
export function disableInspectorSignal(): void {
  const disable = optionalAddonExport<DisableInspectorSignal>('disableInspectorSignal');
  if (disable) disable();
  else process.on('SIGUSR1', () => undefined);
}
