/**
 * @module cli/commands/serve
 * `openfc serve`: starts the platform with embedded defaults and runs until SIGTERM/SIGINT,
 * which shut it down gracefully (in-flight requests finish, instances stop).
 */
import type { Command } from 'commander';
import { DEFAULT_CONFIG, SANDBOX_DRIVER_NAMES, type PlatformOptions } from '../../config/index.js';
import { startPlatform } from '../../platform.js';

interface ServeFlags {
  dataDir?: string;
  exitWithParent?: boolean;
  port?: string;
  httpPort?: string;
  vpcEndpointPort?: string;
  host?: string;
  tlsCert?: string;
  tlsKey?: string;
  region?: string;
  sandbox?: string;
  idleTimeout?: string;
  logLevel?: string;
}

const num = (v: string | undefined) => (v === undefined ? undefined : Number(v));

/** How often --exit-with-parent checks that its parent is still there. */
const PARENT_WATCH_INTERVAL_MS = 1000;

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('start openfc: the FC 3.0 API over HTTPS (TLS 1.2+) and plain HTTP on 127.0.0.1')
    .option('--data-dir <dir>', `where openfc keeps its state (env OPENFC_DATA_DIR; default ${DEFAULT_CONFIG.dataDir})`)
    .option('--port <port>', `HTTPS port, 0 for a free one (env OPENFC_PORT; default ${DEFAULT_CONFIG.httpsPort})`)
    .option('--http-port <port>', `plain-HTTP port on 127.0.0.1, 0 for a free one, -1 to disable (env OPENFC_HTTP_PORT; default ${DEFAULT_CONFIG.httpPort})`)
    .option('--vpc-endpoint-port <port>', `port of the openfc endpoint on each VPC's gateway, 0 for a free one, -1 for none (env OPENFC_VPC_ENDPOINT_PORT; default ${DEFAULT_CONFIG.vpcEndpointPort})`)
    .option('--host <address>', `HTTPS listen address (default ${DEFAULT_CONFIG.httpsHost})`)
    .option('--tls-cert <file>', 'PEM certificate for HTTPS (default: a self-signed ECDSA one in <data-dir>/tls)')
    .option('--tls-key <file>', 'PEM private key for --tls-cert')
    .option('--region <id>', `region id used in ARNs (env OPENFC_REGION; default ${DEFAULT_CONFIG.region})`)
    .option('--sandbox <driver>', `sandbox driver: ${SANDBOX_DRIVER_NAMES.join('|')} (env OPENFC_SANDBOX; default ${DEFAULT_CONFIG.sandbox}: linux where this machine allows, else process)`)
    .option('--idle-timeout <seconds>', `release on-demand instances idle this long (default ${DEFAULT_CONFIG.idleTimeoutMs / 1000})`)
    .option('--log-level <level>', 'debug|info|warn|error (env OPENFC_LOG_LEVEL; default info)')
    .option('--exit-with-parent', 'shut down gracefully when the process that started openfc goes away (for test harnesses and supervisors)')
    .addHelpText('after', '\nEnvironment: OPENFC_ROOT_ACCESS_KEY_ID and OPENFC_ROOT_ACCESS_KEY_SECRET set the root AccessKey of the default account.')
    .action(async (flags: ServeFlags) => {
      // Taken before anything else: a starter that dies while openfc starts up is noticed too.
      const starter = process.ppid;
      const options: PlatformOptions = {
        dataDir: flags.dataDir,
        httpsPort: num(flags.port),
        httpPort: num(flags.httpPort),
        vpcEndpointPort: num(flags.vpcEndpointPort),
        httpsHost: flags.host,
        tlsCertFile: flags.tlsCert,
        tlsKeyFile: flags.tlsKey,
        region: flags.region,
        sandbox: flags.sandbox as PlatformOptions['sandbox'],
        idleTimeoutMs: flags.idleTimeout === undefined ? undefined : Number(flags.idleTimeout) * 1000,
        logLevel: flags.logLevel as PlatformOptions['logLevel'],
      };
      const platform = await startPlatform(options);
      const { endpoints, defaultAccount, config } = platform;
      const out = process.stdout;
      out.write(`openfc is serving (sandbox: ${platform.driver.name}${platform.driver.isIsolated ? '' : ', NOT ISOLATED'})\n`);
      out.write(`  HTTPS:       ${endpoints.https}  (TLS 1.2+, certificate ${platform.tlsCertFile})\n`);
      if (endpoints.http) out.write(`  HTTP:        ${endpoints.http}  (loopback only)\n`);
      out.write(`  data dir:    ${config.dataDir}\n`);
      out.write(`  credentials: ${config.dataDir}/credentials.json (account ${defaultAccount.accountId}, AccessKeyId ${defaultAccount.accessKeyId})\n\n`);
      const endpointHost = (endpoints.http ?? endpoints.https).replace(/^https?:\/\//, '');
      out.write('Use it from the official SDK (@alicloud/fc20230330):\n');
      out.write(`  const creds = JSON.parse(fs.readFileSync('${config.dataDir}/credentials.json', 'utf8'));\n`);
      out.write(`  const client = new FC(new $OpenApiUtil.Config({ accessKeyId: creds.accessKeyId, accessKeySecret: creds.accessKeySecret, endpoint: '${endpointHost}', protocol: '${endpoints.http ? 'http' : 'https'}', readTimeout: 120000, connectTimeout: 120000 }));\n`);
      out.write(`  await client.listFunctions(new $FC.ListFunctionsRequest({}));\n\n`);
      out.write('openfc ready\n');

      await new Promise<void>((resolve) => {
        const shutdown = (signal: string) => {
          out.write(`openfc: ${signal} received, shutting down (in-flight requests finish first)\n`);
          process.off('SIGTERM', onTerm);
          process.off('SIGINT', onInt);
          platform.close().then(resolve, resolve);
        };
        const onTerm = () => shutdown('SIGTERM');
        const onInt = () => shutdown('SIGINT');
        process.on('SIGTERM', onTerm);
        process.on('SIGINT', onInt);
        if (flags.exitWithParent) {
          // An orphan is re-parented (to init or a subreaper): the starter died without stopping us.
          const watch = setInterval(() => {
            if (process.ppid === starter) return;
            clearInterval(watch);
            shutdown('parent exit');
          }, PARENT_WATCH_INTERVAL_MS);
          watch.unref();
        }
      });
      out.write('openfc stopped\n');
    });
}
