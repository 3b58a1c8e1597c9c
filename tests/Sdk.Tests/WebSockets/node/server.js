'use strict';

// A WebSocket server on the `ws` package (a server this project did not write), for interoperability tests.
// Listens on 127.0.0.1 on a random port, prints `LISTENING <port>` once listening, and exits when stdin closes
// (so it dies with the test host). Paths:
//   /ws/echo                              echoes every message with its type (text/binary)
//   /ws/fragmented?parts=P&count=1        sends `count` text messages {"seq":n,"text":"..."} each in P fragments, then echoes
//   /ws/seq?from=N&count=M&killAfter=K    sends {"seq":i,"text":"message i"} for i = N+1 .. M; after K sent messages
//                                         destroys the TCP connection (no close frame); after M closes with 1000 "done"
//   /ws/close?code=C&reason=R&after=K     sends K messages {"seq":i}, then closes with code C and reason R
//   /ws/ping?intervalMs=50&reportPongs=0  sends a ping every intervalMs and counts the pongs; nothing else, except that
//                                         with reportPongs=N it sends {"pongs":N} once N pongs came back on the connection
// GET /stats answers {"connections":N,"pings":N,"pongs":N}.

const http = require('http');
const { WebSocketServer } = require('ws');

const stats = { connections: 0, pings: 0, pongs: 0 };
const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });

function int(params, name, fallback) {
  const value = params.get(name);
  if (value === null || value === '') return fallback;
  const parsed = Number.parseInt(value, 10);
  return Number.isNaN(parsed) ? fallback : parsed;
}

function echo(ws) {
  ws.on('message', (data, isBinary) => {
    if (ws.readyState === ws.OPEN) ws.send(data, { binary: isBinary });
  });
}

function sendAsync(ws, data, options) {
  return new Promise((resolve, reject) => ws.send(data, options || {}, (err) => (err ? reject(err) : resolve())));
}

async function fragmented(ws, params) {
  const parts = Math.max(1, int(params, 'parts', 3));
  const count = Math.max(1, int(params, 'count', 1));
  echo(ws);
  for (let n = 1; n <= count; n++) {
    const text = Array.from({ length: parts }, (_, i) => `part${i}`).join('-');
    const bytes = Buffer.from(JSON.stringify({ seq: n, text }), 'utf8');
    const size = Math.ceil(bytes.length / parts);
    for (let i = 0; i < parts; i++) {
      const chunk = bytes.subarray(i * size, Math.min(bytes.length, (i + 1) * size));
      await sendAsync(ws, chunk, { binary: false, fin: i === parts - 1 });
    }
  }
}

async function seq(ws, params) {
  const from = int(params, 'from', 0);
  const last = int(params, 'count', 10);
  const killAfter = int(params, 'killAfter', -1);
  let sent = 0;
  if (killAfter === 0) {
    ws.terminate();
    return;
  }
  for (let i = from + 1; i <= last; i++) {
    await sendAsync(ws, JSON.stringify({ seq: i, text: `message ${i}` }));
    sent++;
    if (sent === killAfter) {
      // The write callback ran, so the bytes were handed to the kernel: destroy the socket without a close frame.
      ws.terminate();
      return;
    }
  }
  ws.close(1000, 'done');
}

async function close(ws, params) {
  const after = int(params, 'after', 0);
  for (let i = 1; i <= after; i++) {
    await sendAsync(ws, JSON.stringify({ seq: i }));
  }
  ws.close(int(params, 'code', 1000), params.get('reason') ?? 'bye');
}

function ping(ws, params) {
  const interval = Math.max(1, int(params, 'intervalMs', 50));
  const reportPongs = int(params, 'reportPongs', 0);
  let pongs = 0;
  ws.on('pong', () => {
    stats.pongs++;
    pongs++;
    if (pongs === reportPongs && ws.readyState === ws.OPEN) ws.send(JSON.stringify({ pongs }));
  });
  const timer = setInterval(() => {
    if (ws.readyState !== ws.OPEN) return;
    stats.pings++;
    ws.ping();
  }, interval);
  ws.on('close', () => clearInterval(timer));
}

const routes = { '/ws/echo': echo, '/ws/fragmented': fragmented, '/ws/seq': seq, '/ws/close': close, '/ws/ping': ping };

const server = http.createServer((req, res) => {
  if (req.url === '/stats') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(stats));
    return;
  }
  res.writeHead(404);
  res.end();
});

server.on('upgrade', (req, socket, head) => {
  const url = new URL(req.url, 'http://127.0.0.1');
  const route = routes[url.pathname];
  if (!route) {
    socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
    return;
  }
  wss.handleUpgrade(req, socket, head, (ws) => {
    stats.connections++;
    ws.on('error', () => {});
    Promise.resolve(route(ws, url.searchParams)).catch(() => ws.terminate());
  });
});

server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`LISTENING ${server.address().port}\n`);
});

process.stdin.on('end', () => process.exit(0));
process.stdin.on('close', () => process.exit(0));
process.stdin.on('error', () => process.exit(0));
process.stdin.resume();
