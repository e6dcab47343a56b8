"""A CI job's side of the SentryAgent IdP with standard Python libraries.

Authlib's OAuth 2.0 client exchanges the job's OIDC token for an IdP token (RFC 8693), PyJWT
verifies that token as an API would, and Authlib introspects (RFC 7662) and revokes (RFC 7009)
it. Every endpoint comes from the server's RFC 8414 metadata.

The README shows parts of this file verbatim, and
examples/src/test/java/dev/sentryagent/idp/examples/AuthlibClientTest.java runs it against a
real server, so both stay true. Settings, from the environment:

  IDP_ISSUER           the IdP's IDP_ISSUER, e.g. https://idp.example.com
  OIDC_TOKEN           the CI job's OIDC token (GitHub Actions: core.getIDToken(IDP_ISSUER))
  AGENT_ID             the agent to act as (leave it out for a bootstrap token)
  AUDIENCE             the API the token is for (one of the policy's audiences), or leave it out
  INTROSPECTION_TOKEN  the IdP's IDP_INTROSPECTION_TOKEN, for the introspection step

Prints one JSON object saying what each step saw.
"""

import json
import os
import sys
from urllib.parse import parse_qsl

import jwt  # PyJWT
import requests
from authlib.integrations.requests_client import OAuth2Session, OAuthError

TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange"
ID_TOKEN = "urn:ietf:params:oauth:token-type:id_token"


def discover(issuer):
    response = requests.get(f"{issuer}/.well-known/oauth-authorization-server", timeout=10)
    response.raise_for_status()
    return response.json()  # token_endpoint, revocation_endpoint, introspection_endpoint, jwks_uri


def new_client():
    # A public client: the IdP needs no client credentials, and ignores client_id.
    return OAuth2Session(client_id="ci-job", token_endpoint_auth_method="none", default_timeout=10)


def exchange(client, metadata, oidc_token, agent_id=None, audience=None):
    return client.fetch_token(
        metadata["token_endpoint"],
        grant_type=TOKEN_EXCHANGE,
        subject_token=oidc_token,
        subject_token_type=ID_TOKEN,
        agent_id=agent_id,  # None (left out): a bootstrap token, which registers one agent
        audience=audience)  # None: the policy's audiences, or else the issuer


def introspect(client, metadata, access_token, introspection_secret):
    # Introspection takes the IdP's introspection secret as a Bearer token, not client credentials.
    response = client.introspect_token(
        metadata["introspection_endpoint"], token=access_token, token_type_hint="access_token",
        headers={"Authorization": f"Bearer {introspection_secret}"})
    response.raise_for_status()
    return response.json()  # {"active": true, "sub": ..., "scope": ..., ...} or {"active": false}


def revoke(client, metadata, access_token):
    response = client.revoke_token(metadata["revocation_endpoint"], token=access_token,
                                   token_type_hint="access_token")
    response.raise_for_status()  # 200 for any token, known or not (RFC 7009)


def verify_agent_token(bearer, issuer, audience, jwks_client):
    if jwt.get_unverified_header(bearer).get("typ") != "at+jwt":
        raise jwt.InvalidTokenError("not an access token: typ must be at+jwt")
    claims = jwt.decode(
        bearer,
        jwks_client.get_signing_key_from_jwt(bearer).key,  # refetches the JWKS on an unknown kid
        algorithms=["ES256", "ES384", "RS256", "EdDSA"],
        issuer=issuer,
        audience=audience,  # this API's audience: the issuer, or its entry in policies' audiences
        options={"require": ["exp", "iat", "iss", "aud", "sub", "scope"]},
        leeway=30)
    if "agent" not in claims["scope"].split():
        raise jwt.InvalidTokenError("insufficient_scope: an agent token is required")
    return claims  # claims["sub"] is the agent id


def failure(call):
    """What a call raised: its class, and the OAuth error code and description, or the message."""
    try:
        call()
    except OAuthError as e:
        return {"raised": type(e).__name__, "error": e.error, "description": e.description}
    except jwt.PyJWTError as e:
        return {"raised": type(e).__name__, "message": str(e)}
    return None


def main():
    issuer = os.environ["IDP_ISSUER"]
    oidc_token = os.environ["OIDC_TOKEN"]
    agent_id = os.environ.get("AGENT_ID")
    audience = os.environ.get("AUDIENCE")
    out = {}

    metadata = discover(issuer)
    out["metadata"] = {k: metadata.get(k) for k in (
        "issuer", "token_endpoint", "revocation_endpoint", "introspection_endpoint", "jwks_uri",
        "token_endpoint_auth_methods_supported")}

    client = new_client()
    sent = []  # the names of the form parameters Authlib sent to the token endpoint

    def record(response, **kwargs):
        if response.request.url == metadata["token_endpoint"]:
            sent.append(sorted(name for name, _ in parse_qsl(response.request.body)))

    client.hooks["response"].append(record)
    token = exchange(client, metadata, oidc_token, agent_id, audience)
    out["sent"] = sent[0]
    out["token"] = {k: token.get(k) for k in (
        "token_type", "expires_in", "scope", "agent_id", "issued_token_type")}
    access_token = token["access_token"]

    jwks_client = jwt.PyJWKClient(metadata["jwks_uri"], timeout=10)
    api_audience = audience or issuer
    claims = {}
    out["verifyFailure"] = failure(lambda: claims.update(
        verify_agent_token(access_token, issuer, api_audience, jwks_client)))
    out["verified"] = {k: claims.get(k) for k in ("iss", "sub", "aud", "scope", "client_id")}
    out["typ"] = jwt.get_unverified_header(access_token)["typ"]
    head, body, signature = access_token.split(".")
    forged = ".".join((head, body, ("A" if signature[0] != "A" else "B") + signature[1:]))
    out["tampered"] = failure(lambda: verify_agent_token(forged, issuer, api_audience, jwks_client))
    out["otherAudience"] = failure(lambda: verify_agent_token(
        access_token, issuer, "https://other-api.example.com", jwks_client))

    secret = os.environ["INTROSPECTION_TOKEN"]
    out["introspectedBefore"] = introspect(client, metadata, access_token, secret)
    revoke(client, metadata, access_token)
    out["introspectedAfter"] = introspect(client, metadata, access_token, secret)
    out["verifiedAfterRevocation"] = failure(
        lambda: verify_agent_token(access_token, issuer, api_audience, jwks_client))

    # Each OIDC token is exchanged once: a second exchange of the same one is refused.
    out["exchangedAgain"] = failure(
        lambda: exchange(new_client(), metadata, oidc_token, agent_id, audience))

    json.dump(out, sys.stdout)
    print()


if __name__ == "__main__":
    main()
