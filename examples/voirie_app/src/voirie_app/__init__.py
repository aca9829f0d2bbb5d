"""Reference relying application « Démarches Voirie » (Flask + authlib, client ``voirie``).

It learns who the user is — structure, profile — from the ID token alone (validated by
authlib: signature against the realm's JWKS, issuer, audience, expiry, nonce). The
« Factures » page shows profile gating: privileged and admin profiles only.
"""

from __future__ import annotations

import functools
import os

from authlib.common.errors import AuthlibBaseError
from authlib.integrations.flask_client import OAuth
from flask import Flask, abort, redirect, render_template, session, url_for

ALLOWED_FOR_INVOICES = {"privileged", "admin"}


def create_app() -> Flask:
    app = Flask(__name__)
    base_url = os.environ["VOIRIE_BASE_URL"].rstrip("/")
    keycloak = os.environ["KEYCLOAK_URL"].rstrip("/")
    app.config.update(SECRET_KEY=os.environ["VOIRIE_SECRET_KEY"], SESSION_COOKIE_NAME="voirie",
                      SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax")
    oauth = OAuth(app)
    oauth.register(
        "hariane", client_id="voirie", client_secret=os.environ["VOIRIE_CLIENT_SECRET"],
        server_metadata_url=f"{keycloak}/realms/hariane-pro/.well-known/openid-configuration",
        client_kwargs={"scope": "openid profile email", "code_challenge_method": "S256"},
    )

    def login_required(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            if "claims" not in session:
                return redirect(url_for("login"))
            return view(*args, **kwargs)
        return wrapper

    @app.get("/")
    @login_required
    def home():
        return render_template("accueil.html", claims=session["claims"])

    @app.get("/connexion")
    def login():
        return oauth.hariane.authorize_redirect(f"{base_url}/auth/callback")

    @app.get("/auth/callback")
    def callback():
        try:
            token = oauth.hariane.authorize_access_token()
        except (AuthlibBaseError, OSError, ValueError):
            return render_template("erreur.html", message="La connexion n'a pas pu aboutir. Veuillez réessayer."), 400
        claims = token["userinfo"]
        session["claims"] = {k: claims.get(k) for k in ("sub", "preferred_username", "given_name", "family_name",
                                                          "profile", "structure")}
        return redirect(url_for("home"))

    @app.get("/factures")
    @login_required
    def invoices():
        if session["claims"].get("profile") not in ALLOWED_FOR_INVOICES:
            abort(403)
        return render_template("factures.html", claims=session["claims"])

    @app.errorhandler(403)
    def forbidden(_error):
        message = ("Les factures et leur paiement sont réservés aux profils « privilégié » et « administrateur » "
                   "de votre structure. Demandez à l'administrateur de votre structure de modifier votre profil.")
        return render_template("erreur.html", message=message), 403

    @app.get("/health")
    def health():
        return {"status": "UP"}

    return app
