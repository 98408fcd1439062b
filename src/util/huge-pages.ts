import { optionalAddonExport } from '../source/pcap-binding.js';

/** native/huge-pages.cc: madvise(MADV_HUGEPAGE) on the huge-page-aligned part of a buffer; whether the kernel took it. */
type AdviseHugePages = (buffer: ArrayBuffer) => boolean;

/** Buffers from this size up are advised (two huge pages: a smaller one would gain little and could cost up to 2 MiB of resident memory). */
const ADVISED_BYTES = 4 << 20;

/** The addon's adviser once looked up; null without the addon. */
let adviser: AdviseHugePages | null | undefined;

/** A typed-array constructor. */
interface TypedArrayOf<T> {
  new (buffer: ArrayBuffer): T;
  readonly BYTES_PER_ELEMENT: number;
}

/**
 * A zeroed typed array of `length` elements for per-flow state, whose pages
 * are touched for the first time as flows arrive. From ADVISED_BYTES up the
 * kernel is asked to back it with transparent huge pages (the addon's
 * adviseHugePages), so a flood of new flows takes a page fault per 2 MiB of
 * it instead of per 4 KiB; without the addon, or where the kernel declines,
 * it is a plain typed array.
 */
export function largeArray<T>(type: TypedArrayOf<T>, length: number): T {
  const buffer = new ArrayBuffer(length * type.BYTES_PER_ELEMENT);
  if (buffer.byteLength >= ADVISED_BYTES) {
    if (adviser === undefined) adviser = optionalAddonExport<AdviseHugePages>('adviseHugePages') ?? null;
    adviser?.(buffer);
  }
  return new type(buffer);
}
