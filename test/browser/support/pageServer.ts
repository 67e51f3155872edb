import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface PageServer {
  /** The page's origin, e.g. http://127.0.0.1:40123 */
  readonly origin: string;
  close(): Promise<void>;
}

/** Serves one HTML page at `/` and its script at `/app.js`, on a free loopback port. */
export async function servePage(html: string, script: string): Promise<PageServer> {
  const server: Server = createServer((req, res) => {
    if (req.url === '/') res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(html);
    else if (req.url === '/app.js') res.writeHead(200, { 'Content-Type': 'text/javascript' }).end(script);
    else if (req.url === '/next') res.writeHead(200, { 'Content-Type': 'text/html' }).end('<p>next page</p>');
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
