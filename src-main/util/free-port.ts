// A TCP port free on loopback right now, for a listener that needs its number before it starts
// (the DICOM receiver's configuration requires one; port 0 is not a setting a PACS can call).
import net from 'node:net';

export async function freeLoopbackPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}
