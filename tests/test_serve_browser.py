"""A real browser (Debian's chromium through selenium) against ``reportkit serve``.

A clerk logs in, uploads a broken card, sees the error at its cell on the rendered card, submits
the fixed one and sees it accepted; the secretariat sees the state change on the desk, is refused
the final build (the rolled folder still has errors), builds the 素案 and downloads it; and on a
small clean folder builds the final report and downloads report.docx, which python-docx opens.
Skips without chromium on a laptop; fails on CI (CI=true). Screenshots go to /tmp/serve2_png/.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import pytest

from reportkit.serve.access import new_code

from serve_helpers import LABOUR, returned, rolled_copy, running_server

SHOTS = Path("/tmp/serve2_png")


@pytest.fixture()
def downloads(tmp_path):
    folder = tmp_path / "downloads"
    folder.mkdir()
    return folder


@pytest.fixture()
def browser(chromedriver, downloads):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage", "--window-size=1280,1600", "--lang=ja"):
        options.add_argument(flag)
    profile = tempfile.mkdtemp(prefix="reportkit-chromium-")
    options.add_argument(f"--user-data-dir={profile}")
    options.binary_location = "/usr/bin/chromium"
    options.add_experimental_option("prefs", {"download.default_directory": str(downloads),
                                              "download.prompt_for_download": False,
                                              "safebrowsing.enabled": False})
    driver = webdriver.Chrome(service=Service(chromedriver), options=options)
    driver.execute_cdp_cmd("Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)})
    driver.set_page_load_timeout(60)
    driver.set_script_timeout(30)
    SHOTS.mkdir(parents=True, exist_ok=True)
    try:
        yield driver
    finally:
        driver.quit()


def _shot(driver, name: str) -> None:
    """A full-page screenshot for a person to look at (not an assertion).

    A very tall page can time the renderer out on a loaded machine; the picture is then skipped
    rather than failing the test, and the window is set back to its usual size.
    """
    from selenium.common.exceptions import WebDriverException

    try:
        height = driver.execute_script(
            "return Math.max(document.body.scrollHeight, document.documentElement.scrollHeight)")
        driver.set_window_size(1280, min(max(height + 40, 800), 6000))
        driver.save_screenshot(str(SHOTS / f"{name}.png"))
    except WebDriverException:
        pass
    finally:
        driver.set_window_size(1280, 1600)


def _login(driver, base: str, division: str, code: str) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    driver.get(f"{base}/login")
    Select(driver.find_element(By.ID, "division")).select_by_value(division)
    driver.find_element(By.ID, "code").send_keys(code)
    driver.find_element(By.ID, "login-button").click()


def _downloaded(folder: Path, name: str, timeout: float = 60) -> Path:
    """The file the browser saved as ``name`` once it is complete."""
    deadline = time.monotonic() + timeout
    path = folder / name
    while time.monotonic() < deadline:
        if path.is_file() and not list(folder.glob("*.crdownload")):
            return path
        time.sleep(0.2)
    raise AssertionError(f"{name} was not downloaded: {sorted(p.name for p in folder.iterdir())}")


def _opens(path: Path) -> int:
    from docx import Document

    return len(Document(str(path)).paragraphs)


def _build(browser, button: str, timeout: float = 300, shot: str = "") -> str:
    """Press a build button on the desk, see the progress, wait for the end; the final state's text."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException, WebDriverException

    page = browser.find_element(By.TAG_NAME, "html")
    browser.find_element(By.ID, button).click()

    def left(_driver) -> bool:
        """The page before the click is gone (as ec.staleness_of, and Chrome's own word for it mid-navigation)."""
        try:
            page.is_enabled()
        except StaleElementReferenceException:
            return True
        except WebDriverException as exc:  # "Node with given id does not belong to the document"
            return "does not belong to the document" in str(exc)
        return False

    WebDriverWait(browser, 30).until(left)  # the desk again, the build running
    if shot and browser.find_element(By.ID, "build-state").get_attribute("class") == "build-running":
        _shot(browser, shot)
    ignored = (NoSuchElementException, StaleElementReferenceException)

    def finished(driver):
        state = driver.find_element(By.ID, "build-state")
        return state.text if state.get_attribute("class") in ("build-done", "build-failed") else False

    return WebDriverWait(browser, timeout, ignored_exceptions=ignored).until(finished)


def test_clerk_fixes_a_card_in_the_browser_and_the_desk_sees_it(browser, downloads, serve_rolled, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    folder = rolled_copy(serve_rolled, tmp_path / "inputs2014")
    secretariat = new_code(folder, secretariat=True)
    labour = new_code(folder, division=LABOUR)
    broken = returned(serve_rolled, tmp_path / "a" / "001_修正前.xlsx", "001", cost="未定")
    fixed = returned(serve_rolled, tmp_path / "b" / "001_修正後.xlsx", "001")
    wait = WebDriverWait(browser, 60)
    with running_server(folder) as base:
        browser.get(f"{base}/login")
        _shot(browser, "1_login")
        _login(browser, base, LABOUR, labour)
        wait.until(ec.presence_of_element_located((By.ID, "upload-form")))
        assert LABOUR in browser.find_element(By.ID, "projects").text or LABOUR in browser.page_source
        _shot(browser, "2_clerk")

        browser.find_element(By.ID, "file").send_keys(str(broken))
        browser.find_element(By.ID, "check-button").click()
        wait.until(ec.presence_of_element_located((By.ID, "card")))
        marked = browser.find_element(By.CSS_SELECTOR, '#part-4 ~ * .cell-error[data-cell="B11"], '
                                                       '#part-4 .cell-error[data-cell="B11"]')
        assert "B11" in marked.text
        assert "part-error" in browser.find_element(By.ID, "part-4").get_attribute("class")
        assert "何も保存していません" in browser.find_element(By.ID, "outcome").text
        _shot(browser, "3_check_broken")

        browser.find_element(By.ID, "back-link").click()
        wait.until(ec.presence_of_element_located((By.ID, "file"))).send_keys(str(fixed))
        browser.find_element(By.ID, "submit-button").click()
        outcome = wait.until(ec.presence_of_element_located((By.ID, "outcome")))
        assert "提出を受け付けました" in outcome.text
        assert not browser.find_elements(By.CSS_SELECTOR, ".cell-error")
        _shot(browser, "4_submit_fixed")

        browser.find_element(By.CSS_SELECTOR, "header button").click()  # ログアウト
        wait.until(ec.presence_of_element_located((By.ID, "login-button")))
        _login(browser, base, "事務局", secretariat)
        row = wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, f'tr[data-division="{LABOUR}"]')))
        cells = [td.text for td in row.find_elements(By.TAG_NAME, "td")]
        assert cells[2] == "1"  # 受付
        project = browser.find_element(By.CSS_SELECTOR, 'tr[data-project="AOM-001"]')
        assert "受付済" in project.text or "警告あり" in project.text
        _shot(browser, "5_desk")

        assert "まだありません" in browser.find_element(By.ID, "draft-downloads").text
        text = _build(browser, "build-button")  # the rolled folder still has errors: the final report is refused
        assert "エラー" in text and "素案なら" in text
        _shot(browser, "6_desk_final_refused")

        text = _build(browser, "draft-button", shot="7a_desk_draft_running")  # the 素案 while the cards come in
        assert "【素案】" in text and "作成しました" in text, text
        link = wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, '#draft-downloads a[data-kind="draft"]')))
        assert "【素案】" in link.text
        assert not browser.find_elements(By.CSS_SELECTOR, '#downloads a')  # no final report was written
        _shot(browser, "7_desk_draft_built")
        link.click()
        draft = _downloaded(downloads, "report_素案.docx")
        assert _opens(draft) > 0
        assert not (tmp_path / "outputs2014" / "report.docx").exists()
        assert (tmp_path / "outputs2014" / "draft" / "report.docx").is_file()


def test_the_secretariat_builds_the_final_report_and_downloads_it(browser, downloads, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    from yoy_helpers import make_input_folder

    folder = make_input_folder(tmp_path / "inputs")
    secretariat = new_code(folder, secretariat=True)
    wait = WebDriverWait(browser, 60)
    with running_server(folder) as base:
        _login(browser, base, "事務局", secretariat)
        wait.until(ec.presence_of_element_located((By.ID, "build-button")))
        _shot(browser, "8_desk_small_folder")
        text = _build(browser, "build-button")
        assert "【確定版】" in text and "作成しました" in text, text
        link = wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, '#downloads a[href$="report.docx"]')))
        _shot(browser, "9_desk_final_built")
        link.click()
        report = _downloaded(downloads, "report.docx")
        assert _opens(report) > 0
        assert report.read_bytes() == (tmp_path / "outputs" / "report.docx").read_bytes()


# The rendered lines of each element's text (1: it did not wrap).
_LINES = """return Array.from(document.querySelectorAll(arguments[0])).map(element => {
  const range = document.createRange();
  range.selectNodeContents(element);
  const tops = new Set(Array.from(range.getClientRects()).filter(r => r.width > 0).map(r => Math.round(r.top)));
  return [element.textContent.trim(), tops.size, element.getBoundingClientRect().height];
});"""


def test_ids_states_and_headings_never_wrap_at_1300_pixels(browser, serve_rolled, tmp_path):
    """At 1300 px the desk's tables broke 「AOM-／020」 and 「警告あ／り」 over two lines."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    folder = rolled_copy(serve_rolled, tmp_path / "inputs2014")
    secretariat = new_code(folder, secretariat=True)
    wait = WebDriverWait(browser, 60)
    with running_server(folder) as base:
        _login(browser, base, "事務局", secretariat)
        wait.until(ec.presence_of_element_located((By.ID, "project-states")))
        browser.set_window_size(1300, 1600)
        pages = {"desk": "#divisions th, #project-states th, #project-states td.id, #project-states td.state, "
                         "#divisions td.num"}
        found = {"desk": browser.execute_script(_LINES, pages["desk"])}
        browser.get(f"{base}/clerk?division=地域産業課")  # the division with most projects
        wait.until(ec.presence_of_element_located((By.ID, "projects")))
        pages["clerk"] = "#projects th, #projects td.id, #projects td.state, #projects td.when"
        found["clerk"] = browser.execute_script(_LINES, pages["clerk"])
        _shot(browser, "10_clerk_1300px")
    for page, cells in found.items():
        assert len(cells) > 100 if page == "desk" else len(cells) > 50, (page, len(cells))
        assert {text for text in ("AOM-020", "警告あり", "未提出") if any(c[0] == text for c in cells)}, page
        wrapped = [(text, lines, height) for text, lines, height in cells if lines != 1]
        assert wrapped == [], (page, wrapped[:10])


AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"  # axe-core 4.14.1 (MPL-2.0, LICENSE beside it)
AXE_RUN = """
const done = arguments[arguments.length - 1];
axe.run(document, {resultTypes: ["violations"]})
  .then(result => done(result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
        nodes: v.nodes.map(n => n.target.join(" ") + " :: " + n.failureSummary)}))))
  .catch(error => done([{id: "axe-error", help: String(error), nodes: []}]));
"""


def _axe(driver, name: str, found: dict) -> None:
    """axe-core's violations on the page the browser shows, under ``name``."""
    driver.execute_script(AXE.read_text(encoding="utf-8"))
    violations = driver.execute_async_script(AXE_RUN)
    if violations:
        found[name] = violations


def test_every_desk_page_passes_axe_core(browser, serve_rolled, sample_build, tmp_path):
    """Login, the clerk's page, a card with its problems, an error page, the desk and the year-over-year
    page: no violation of axe-core's rules (WCAG 2.x A/AA and best practices) in the real chromium."""
    import shutil

    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    folder = rolled_copy(serve_rolled, tmp_path / "inputs2014")
    secretariat = new_code(folder, secretariat=True)
    labour = new_code(folder, division=LABOUR)
    broken = returned(serve_rolled, tmp_path / "a" / "001_修正前.xlsx", "001", cost="未定")
    _, sample_out = sample_build
    outputs = tmp_path / "outputs2014"
    outputs.mkdir()
    shutil.copy(sample_out / "report.json", outputs / "report.json")
    wait = WebDriverWait(browser, 60)
    found: dict = {}
    with running_server(folder, "--previous", str(sample_out / "report.json"), "--outputs", str(outputs)) as base:
        browser.get(f"{base}/login")
        wait.until(ec.presence_of_element_located((By.ID, "login-button")))
        _axe(browser, "login", found)
        _login(browser, base, LABOUR, labour)
        wait.until(ec.presence_of_element_located((By.ID, "upload-form")))
        _axe(browser, "clerk", found)
        browser.find_element(By.ID, "file").send_keys(str(broken))
        browser.find_element(By.ID, "check-button").click()
        wait.until(ec.presence_of_element_located((By.ID, "card")))
        _axe(browser, "card with problems", found)
        browser.get(f"{base}/no-such-page")
        _axe(browser, "error page (404)", found)
        browser.get(f"{base}/")
        wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, "header button"))).click()  # ログアウト
        wait.until(ec.presence_of_element_located((By.ID, "login-button")))
        _login(browser, base, "事務局", "wrong-code")
        wait.until(ec.presence_of_element_located((By.ID, "login-error")))
        _axe(browser, "login refused", found)
        _login(browser, base, "事務局", secretariat)
        wait.until(ec.presence_of_element_located((By.ID, "build-button")))
        _axe(browser, "desk", found)
        browser.get(f"{base}/desk/diff")
        wait.until(ec.presence_of_element_located((By.TAG_NAME, "table")))
        _axe(browser, "year over year", found)
    assert not found, "\n".join(f"{page}: {v['id']} ({v['impact']}) {v['help']}\n    " + "\n    ".join(v["nodes"][:5])
                                  for page, violations in found.items() for v in violations)


def test_the_secretariat_s_year_in_the_browser(browser, downloads, tmp_path):
    """Start 2014 from the sample, issue the codes (A4 slips), download the packs, accept three mailed
    cards, replace a narrative with an error and see it at its paragraph, move a project, build a 素案 and
    download it; axe-core on every new page."""
    import shutil
    import zipfile

    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import Select, WebDriverWait

    from test_serve_secretariat import _with_placeholder_error
    from yoy_helpers import INPUTS

    folder = shutil.copytree(INPUTS, tmp_path / "inputs")
    secretariat = new_code(folder, secretariat=True)
    wait = WebDriverWait(browser, 120)
    found: dict = {}
    with running_server(folder) as base:
        _login(browser, base, "事務局", secretariat)
        wait.until(ec.presence_of_element_located((By.ID, "year-link"))).click()
        wait.until(ec.presence_of_element_located((By.ID, "rollover-form")))
        _axe(browser, "year", found)
        _shot(browser, "11_year")
        browser.find_element(By.ID, "rollover-button").click()
        rolled = wait.until(ec.presence_of_element_located((By.ID, "rolled")))
        assert "平成２６年度" in rolled.text and "inputs2014" in rolled.text
        assert "平成２６年度" in browser.find_element(By.ID, "h-year").text
        _shot(browser, "12_year_rolled")
        new = tmp_path / "inputs2014"
        browser.find_element(By.ID, "rollover-button").click()  # 2015 from 2014, whose cards are not in yet
        refused = wait.until(ec.presence_of_element_located((By.ID, "rollover-refused")))
        assert "エラー" in refused.text and not (tmp_path / "inputs2015").exists()
        _axe(browser, "year, rollover refused", found)

        _by_keyboard(browser, "codes-button")  # Tab to the button, Enter: no mouse needed
        slips = wait.until(ec.presence_of_all_elements_located((By.CSS_SELECTOR, ".slip")))
        assert len(slips) == 21 and base in slips[0].text
        _axe(browser, "slips", found)
        _shot(browser, "13_slips")
        pages = _print_a4(browser, SHOTS / "13_slips.pdf")
        assert pages == 3, pages  # 21 slips, two a row, none split; the page's own controls not printed
        browser.find_element(By.ID, "back-to-year").click()

        wait.until(ec.presence_of_element_located((By.ID, "packs-link"))).click()
        packs = next(iter(_wait_for(downloads, "配布用パック_*.zip")))
        assert len(zipfile.ZipFile(packs).namelist()) == 21

        mailed = [returned(new, tmp_path / "mail" / f"{prefix}_返信.xlsx", prefix) for prefix in ("001", "002", "003")]
        browser.find_element(By.ID, "files").send_keys("\n".join(str(p) for p in mailed))
        browser.find_element(By.ID, "accept-button").click()
        table = wait.until(ec.presence_of_element_located((By.ID, "accepted")))
        assert table.text.count("受け付けました") == 4  # the caption and three rows
        _axe(browser, "accepted", found)
        _shot(browser, "14_accepted")

        browser.find_element(By.ID, "narratives-link").click()
        wait.until(ec.presence_of_element_located((By.ID, "narratives")))
        changed, fixed = tmp_path / "chapter_2.docx", tmp_path / "fixed" / "chapter_2.docx"
        fixed.parent.mkdir()
        shutil.copy(new / "narratives" / "chapter_2.docx", fixed)
        changed.write_bytes(_with_placeholder_error(fixed))
        browser.find_element(By.ID, "file-chapter_2").send_keys(str(changed))
        browser.find_element(By.ID, "upload-chapter_2").click()
        issues = wait.until(ec.presence_of_element_located((By.ID, "narrative-issues")))
        assert "段落" in issues.text and "yaer" in issues.text
        _axe(browser, "narratives", found)
        _shot(browser, "15_narratives")
        browser.find_element(By.ID, "file-chapter_2").send_keys(str(fixed))  # the error fixed: sent again
        browser.find_element(By.ID, "upload-chapter_2").click()
        wait.until(ec.staleness_of(issues))
        stored = wait.until(ec.presence_of_element_located((By.ID, "narrative-stored")))
        assert "エラー 0 件" in stored.text and not browser.find_elements(By.ID, "narrative-issues")
        assert len(list((new / "archive" / "narratives").iterdir())) == 2  # both earlier versions kept

        browser.find_element(By.LINK_TEXT, "← 事務局の年間作業に戻る").click()
        wait.until(ec.presence_of_element_located((By.ID, "order-link"))).click()
        wait.until(ec.presence_of_element_located((By.ID, "move-1")))
        first = browser.find_elements(By.CSS_SELECTOR, "ol.order")[0].find_elements(By.TAG_NAME, "li")
        moving = first[-1].get_attribute("data-project")
        Select(browser.find_element(By.ID, "project-1")).select_by_value(moving)
        _by_keyboard(browser, "after-1", key=None)  # the position chosen with the keys: 施策の先頭 is the first
        from selenium.webdriver.common.keys import Keys
        browser.switch_to.active_element.send_keys(Keys.HOME)
        _by_keyboard(browser, "move-1")
        wait.until(ec.presence_of_element_located((By.ID, "order-moved")))
        top = browser.find_elements(By.CSS_SELECTOR, "ol.order")[0].find_element(By.TAG_NAME, "li")
        assert top.get_attribute("data-project") == moving
        _axe(browser, "order", found)
        _shot(browser, "16_order")

        browser.get(f"{base}/desk")
        text = _build(browser, "draft-button")
        assert "作成しました" in text, text
        link = wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, '#draft-downloads a[data-kind="draft"]')))
        link.click()
        assert _opens(_downloaded(downloads, "report_素案.docx")) > 0
        (new / "narratives" / "chapter_2.docx").write_bytes(fixed.read_bytes())  # a text changed after the 素案
        browser.get(f"{base}/desk")
        stale = wait.until(ec.presence_of_element_located((By.ID, "out-of-date-draft")))
        assert "narratives/chapter_2.docx" in stale.text
        _axe(browser, "desk, 素案 out of date", found)
        _shot(browser, "17_desk_out_of_date")
        assert (tmp_path / "outputs2014" / "draft" / "report.docx").is_file()
    assert not found, "\n".join(f"{page}: {v['id']} ({v['impact']}) {v['help']}\n    " + "\n    ".join(v["nodes"][:5])
                                  for page, violations in found.items() for v in violations)


def _wait_for(folder: Path, pattern: str, timeout: float = 60) -> list[Path]:
    """The files the browser saved matching ``pattern``, once none is still downloading."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = sorted(folder.glob(pattern))
        if found and not list(folder.glob("*.crdownload")):
            return found
        time.sleep(0.2)
    raise AssertionError(f"{pattern} was not downloaded: {sorted(p.name for p in folder.iterdir())}")


def _by_keyboard(driver, element_id: str, key: str | None = "\ue007", most: int = 400) -> None:
    """Tab through the page (from where the focus is) until ``element_id`` has it, then press ``key`` (Enter)."""
    from selenium.webdriver.common.keys import Keys

    for _ in range(most):
        if driver.execute_script("return document.activeElement && document.activeElement.id") == element_id:
            if key:
                driver.switch_to.active_element.send_keys(key)
            return
        driver.switch_to.active_element.send_keys(Keys.TAB)
    raise AssertionError(f"{element_id} cannot be reached with Tab")


def _print_a4(driver, target: Path) -> int:
    """The page as Chrome prints it on A4 (its print styles), saved to ``target``; the number of pages."""
    import base64
    import io

    from pypdf import PdfReader
    from selenium.webdriver.common.print_page_options import PrintOptions

    options = PrintOptions()
    options.page_width, options.page_height = 21.0, 29.7
    data = base64.b64decode(driver.print_page(options))
    target.write_bytes(data)
    reader = PdfReader(io.BytesIO(data))
    assert "印刷する" not in reader.pages[0].extract_text()
    return len(reader.pages)
