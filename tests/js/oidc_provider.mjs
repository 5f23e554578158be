// A real OpenID Connect provider (the npm package oidc-provider) on loopback, for the sign-in tests.
//
//   node oidc_provider.mjs PORT REDIRECT_URI...
//
// One client, "uppdrag" (secret "test-secret", PKCE required), whose redirect address is
// one of the REDIRECT_URIs. The provider's own development login form signs in any login name; the people
// below get their name, email (verified, but for Dora's) and groups as claims (others get a verified
// email made from the login).
// No consent prompt: the grant is made at once, as a city's provider does for its own services.
// Prints "ready" when it listens.
import Provider from "oidc-provider";

const [port, ...redirectUris] = process.argv.slice(2);
const issuer = `http://127.0.0.1:${port}`;

const PEOPLE = {
  anna: { name: "Anna Andersson", email: "anna.andersson@stockholm.se", email_verified: true, groups: ["uppdrag-slk-redaktorer"] },
  bo: { name: "Bo Berg", email: "bo.berg@stockholm.se", email_verified: true, groups: ["uppdrag-lasare"] },
  cecilia: { name: "Cecilia Ceder", email: "cecilia.ceder@stockholm.se", email_verified: true, groups: [] },
  dora: { name: "Dora Dahl", email: "dora.dahl@stockholm.se", email_verified: false, groups: [] },
};

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: "uppdrag",
      client_secret: "test-secret",
      redirect_uris: redirectUris,
      grant_types: ["authorization_code"],
      response_types: ["code"],
      token_endpoint_auth_method: "client_secret_basic",
    },
  ],
  pkce: { required: () => true },
  scopes: ["openid", "email", "profile", "groups"],
  claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name"], groups: ["groups"] },
  cookies: { keys: ["a-test-only-cookie-key"] },
  features: { devInteractions: { enabled: true } },
  async findAccount(_ctx, id) {
    const person = PEOPLE[id] ?? { name: id, email: `${id}@stockholm.se`, email_verified: true, groups: [] };
    return { accountId: id, claims: async () => ({ sub: id, ...person }) };
  },
  async loadExistingGrant(ctx) {
    const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) return ctx.oidc.provider.Grant.find(grantId);
    const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
    grant.addOIDCScope("openid email profile groups");
    await grant.save();
    return grant;
  },
});

const server = provider.listen(Number(port), "127.0.0.1", () => console.log("ready"));
process.on("SIGTERM", () => server.close(() => process.exit(0)));
