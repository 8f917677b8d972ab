// A private CA and a server certificate for NATS, made with openssl (docker compose's bus-init step).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface BusTlsFiles {
  readonly caCert: string;
  readonly caKey: string;
  readonly serverCert: string;
  readonly serverKey: string;
}

export function busTlsFiles(dir: string): BusTlsFiles {
  return {
    caCert: join(dir, 'ca.pem'),
    caKey: join(dir, 'ca-key.pem'),
    serverCert: join(dir, 'server-cert.pem'),
    serverKey: join(dir, 'server-key.pem'),
  };
}

/**
 * A CA (10 years) and a certificate for the NATS server's `hosts` signed by it (825 days, the most
 * clients accept), both P-256, in `dir`; kept when present, so the clients' CA stays the same.
 */
export function ensureBusTls(dir: string, hosts: readonly string[]): BusTlsFiles {
  const files = busTlsFiles(dir);
  if (!existsSync(files.caCert) || !existsSync(files.caKey)) {
    openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '3650'], {
      '-subj': '/CN=index-registry NATS CA',
      '-keyout': files.caKey,
      '-out': files.caCert,
    });
  }
  if (!existsSync(files.serverCert) || !existsSync(files.serverKey)) {
    const scratch = mkdtempSync(join(tmpdir(), 'ir-bus-tls-'));
    try {
      const request = join(scratch, 'server.csr');
      const extensions = join(scratch, 'server.ext');
      writeFileSync(extensions, `subjectAltName=${hosts.map((h) => `DNS:${h}`).join(',')}\nextendedKeyUsage=serverAuth\n`);
      openssl(['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'], {
        '-subj': `/CN=${hosts[0]}`,
        '-keyout': files.serverKey,
        '-out': request,
      });
      openssl(['x509', '-req', '-days', '825', '-sha256'], {
        '-in': request,
        '-CA': files.caCert,
        '-CAkey': files.caKey,
        '-set_serial': `0x${Date.now().toString(16)}`,
        '-extfile': extensions,
        '-out': files.serverCert,
      });
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  }
  return files;
}

function openssl(args: readonly string[], options: Record<string, string>): void {
  execFileSync('openssl', [...args, ...Object.entries(options).flat()], { stdio: ['ignore', 'ignore', 'pipe'] });
}
