/**
 * The child processes of the benchmarks (one compiled entry, the role is the first argument), so that their
 * peak RSS is measured from outside (harness.runNode) and they share no memory with the harness:
 *
 *   baseline-server <sqlite file|postgres url> <port>   post.http's minimal node:http server
 *   hello <port>                                        startup's hello-world node:http server
 *   import-sqlite <csv> <sqlite file> <funds,…>         import.csv's raw better-sqlite3 baseline
 *   import-pg <csv> <postgres url> <funds,…>            import.csv.pg's raw pg baseline
 *   receipts-zip <out.zip> <count>                      receipt.pdf's receipts streamed into one zip
 */
import * as http from 'node:http';

// Each role loads only what it needs (a baseline server without pdfkit, say).
const baselines = () => import('./baselines');

async function main([role, ...args]: string[]): Promise<void> {
  switch (role) {
    case 'baseline-server':
      return (await baselines()).baselineServer(args[0], Number(args[1] ?? process.env.PORT));
    case 'hello':
      http
        .createServer((_, res) =>
          res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}'),
        )
        .listen(Number(args[0] ?? process.env.PORT), '127.0.0.1');
      return;
    case 'import-sqlite':
      console.log(await (await baselines()).importSqlite(args[0], args[1], args[2].split(',')));
      return;
    case 'import-pg':
      console.log(await (await baselines()).importPg(args[0], args[1], args[2].split(',')));
      return;
    case 'receipts-zip':
      return (await import('./receipt.pdf')).receiptsZip(args[0], Number(args[1]));
    default:
      throw new Error(`unknown role ${role}`);
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
