"""The API's documentation pages, /docs (Swagger UI) and /redoc, from the files fastapi-offline ships: no CDN."""

from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse

from .headers import docs_policy

DOCS_ASSETS = "/static-offline-docs"  # where FastAPIOffline mounts Swagger UI's and ReDoc's files


def add_docs_routes(app: FastAPI) -> None:
    """/docs and /redoc, each with a Content-Security-Policy that lets exactly its own inline script run.

    These replace fastapi-offline's routes, which render the same pages without a policy. There is no OAuth2
    redirect page: the API has no security schemes, so Swagger UI never opens one.
    """

    @app.get("/docs", include_in_schema=False)
    async def swagger(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "")
        page = get_swagger_ui_html(
            openapi_url=f"{root}{app.openapi_url}", title=f"{app.title} - Swagger UI",
            swagger_js_url=f"{root}{DOCS_ASSETS}/swagger-ui-bundle.js",
            swagger_css_url=f"{root}{DOCS_ASSETS}/swagger-ui.css",
            swagger_favicon_url=f"{root}{DOCS_ASSETS}/favicon.png", swagger_ui_parameters=app.swagger_ui_parameters)
        # Hashed from the page as rendered here from the app's own settings; nothing in it comes from the request.
        page.headers["Content-Security-Policy"] = docs_policy(bytes(page.body))
        return page

    @app.get("/redoc", include_in_schema=False)
    async def redoc(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "")
        page = get_redoc_html(
            openapi_url=f"{root}{app.openapi_url}", title=f"{app.title} - ReDoc",
            redoc_js_url=f"{root}{DOCS_ASSETS}/redoc.standalone.js", with_google_fonts=False,
            redoc_favicon_url=f"{root}{DOCS_ASSETS}/favicon.png")
        page.headers["Content-Security-Policy"] = docs_policy(bytes(page.body), runs_redoc=True)
        return page
