from orgwork.web.tests.browser.conftest import chromium, new_page, pytest_collection_modifyitems, shot  # noqa: F401
