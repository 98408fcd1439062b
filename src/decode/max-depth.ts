/** Default limit on stacked headers (tags, labels, IPv6 extension headers, tunnels) per packet; apart from the decoder so that option help need not load it. */
export const DEFAULT_MAX_DEPTH = 128;
