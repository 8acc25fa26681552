const SLOTS = 16_384;

/** CRC16/XMODEM (polynomial 0x1021, initial 0): the checksum Redis Cluster hashes keys with. */
function crc16(bytes: Uint8Array): number {
  let crc = 0;
  for (const byte of bytes) {
    crc ^= byte << 8;
    for (let bit = 0; bit < 8; bit++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc;
}

/**
 * The Redis Cluster slot of a key, per the cluster specification: only the
 * hash tag is hashed when the key has one (the bytes between the first `{`
 * and the first `}` after it, if any lie between), otherwise the whole key.
 * What lets a `{…}` key prefix put every key of a deployment in one slot.
 */
export function clusterKeySlot(key: string): number {
  const bytes = new TextEncoder().encode(key);
  const open = bytes.indexOf(0x7b);
  if (open !== -1) {
    const close = bytes.indexOf(0x7d, open + 1);
    if (close > open + 1) return crc16(bytes.subarray(open + 1, close)) % SLOTS;
  }
  return crc16(bytes) % SLOTS;
}
