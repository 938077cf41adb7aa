import 'reflect-metadata';
import { authOptionsFromEnv, AuthConfigError } from 'nest-keycloak-auth';
import { AppModule } from './app.module.js';
import { ADAPTERS, createApp, type AdapterName } from './create-app.js';

// KEYCLOAK_URL, KEYCLOAK_REALM, KEYCLOAK_CLIENT_ID, KEYCLOAK_CLIENT_SECRET and the optional
// settings (AUTH_ENVIRONMENT lists them); a bad value stops start-up and names the variable.
function authOptions() {
  try {
    return authOptionsFromEnv(process.env);
  } catch (error) {
    if (!(error instanceof AuthConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
}

const adapter = (process.env.HTTP_ADAPTER ?? 'express') as AdapterName;
if (!ADAPTERS.includes(adapter))
  throw new Error(`HTTP_ADAPTER must be one of ${ADAPTERS.join(', ')}`);
const app = await createApp(AppModule.forRoot(authOptions()), adapter);
app.enableShutdownHooks();
await app.listen(Number(process.env.PORT ?? 3000));
