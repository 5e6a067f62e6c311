// Preload (node --import) for the privacy test: records, in the process it is loaded into, every
// outgoing network attempt at the Node level (TCP/IPC connects, including those of http, https,
// tls and fetch; DNS lookups and queries; UDP sends) as JSON lines appended to the file named by
// MEDSAPIENS_NET_LOG. It only records: the calls go on unchanged. The portable twin of the strace
// check (works where strace or ptrace is not available).
import dgram from 'node:dgram';
import dns from 'node:dns';
import fs from 'node:fs';
import net from 'node:net';

const LOG = process.env.MEDSAPIENS_NET_LOG;
const record = (entry) => {
  if (!LOG) return;
  try {
    fs.appendFileSync(LOG, JSON.stringify({ pid: process.pid, ...entry }) + '\n');
  } catch {
    /* recording must never change what the program does */
  }
};
record({ kind: 'start', argv: process.argv.slice(1) });

// net.connect / http / tls / fetch (undici) all end in Socket.prototype.connect, called either
// with (options[, cb]), (port[, host][, cb]), (path[, cb]) or with an internal [options, cb] array
const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function (...args) {
  let a = args;
  if (Array.isArray(a[0])) a = a[0];
  const o = a[0];
  let entry;
  if (o && typeof o === 'object') entry = o.path != null ? { path: String(o.path) } : { host: o.host ?? 'localhost', port: Number(o.port) };
  else if (typeof o === 'string' && !/^\d+$/.test(o)) entry = { path: o };
  else entry = { host: typeof a[1] === 'string' ? a[1] : 'localhost', port: Number(o) };
  record({ kind: 'connect', ...entry });
  return connect.apply(this, args);
};

// DNS: lookup (getaddrinfo, what connect uses) and the resolver queries, callback and promise
for (const name of Object.keys(dns)) {
  if (!/^(lookup|lookupService|resolve.*|reverse)$/.test(name) || typeof dns[name] !== 'function') continue;
  const orig = dns[name];
  dns[name] = function (...args) {
    record({ kind: 'dns', call: name, name: String(args[0]) });
    return orig.apply(this, args);
  };
}
for (const name of Object.keys(dns.promises)) {
  if (!/^(lookup|lookupService|resolve.*|reverse)$/.test(name) || typeof dns.promises[name] !== 'function') continue;
  const orig = dns.promises[name];
  dns.promises[name] = function (...args) {
    record({ kind: 'dns', call: `promises.${name}`, name: String(args[0]) });
    return orig.apply(this, args);
  };
}
for (const proto of [dns.Resolver.prototype, dns.promises.Resolver.prototype]) {
  for (const name of Object.getOwnPropertyNames(proto)) {
    if (!/^(resolve.*|reverse)$/.test(name) || typeof proto[name] !== 'function') continue;
    const orig = proto[name];
    proto[name] = function (...args) {
      record({ kind: 'dns', call: `Resolver.${name}`, name: String(args[0]) });
      return orig.apply(this, args);
    };
  }
}

// UDP
const send = dgram.Socket.prototype.send;
dgram.Socket.prototype.send = function (...args) {
  // (msg[, offset, length][, port][, address][, cb]): the port is the first number after msg
  // that is followed by an address string, or the socket is connected
  const nums = args.slice(1).filter((x) => typeof x === 'number');
  const address = args.find((x, i) => i > 0 && typeof x === 'string');
  record({ kind: 'udp', host: address ?? '(connected)', port: nums.length ? nums[nums.length - 1] : null });
  return send.apply(this, args);
};
const udpConnect = dgram.Socket.prototype.connect;
dgram.Socket.prototype.connect = function (port, address, ...rest) {
  record({ kind: 'udp-connect', host: typeof address === 'string' ? address : 'localhost', port });
  return udpConnect.call(this, port, address, ...rest);
};
