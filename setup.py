"""What pyproject.toml cannot say: the package carries the top-level `migrations/` and `seeds/`.

They stay at the top of the repository, where people look for them; at build time `package_dir` maps
them to `app/migrations` and `app/seeds`, so that an installed `uppdrag` finds its migrations (with
their Alembic configuration) and its seed files wherever it runs. `app/bundled.py` looks them up.
"""

from setuptools import find_packages, setup

BUNDLED = {"app.migrations": "migrations", "app.seeds": "seeds"}

setup(
    packages=[*find_packages(include=["app", "app.*"]), *BUNDLED],
    package_dir=BUNDLED,
    package_data={
        "app": [
            "templates/*.html",
            "reports/templates/*.html",
            "rounds/templates/*.html",
            "web/templates/*.html",
            "web/static/*.js",
            "web/static/swagger-ui/*",
        ],
        "app.migrations": ["alembic.ini", "script.py.mako", "versions/*.py"],
        "app.seeds": ["*.yaml", "source/*.txt"],
    },
)
