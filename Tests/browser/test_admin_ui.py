"""The admin web UI in a real headless browser (issue 19): Debian's chromium through
selenium against a live stack (safemut in front of intelgraph-demo, Postgres, Redis) that
scripts/browser-test.sh starts on loopback. Each person is a set of identity headers the
browser sends (the DevTools protocol's Network.setExtraHTTPHeaders). Screenshots of each
page go to $SCREENSHOT_DIR.

Environment: SAFEMUT_URL (the gateway), SCREENSHOT_DIR."""
import json
import os
import re
import time
import urllib.error
import urllib.request

import pytest
from selenium import webdriver
from selenium.common.exceptions import JavascriptException, StaleElementReferenceException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

BASE = os.environ["SAFEMUT_URL"].rstrip("/")
SHOTS = os.environ.get("SCREENSHOT_DIR", "screenshots")
XSS = '"><img src=x onerror=alert(1)>'

PEOPLE = {
    "fiona": {"X-Tenant": "ops", "X-User-Id": "fiona", "X-Roles": "finance_admin"},
    "frank": {"X-Tenant": "ops", "X-User-Id": "frank", "X-Roles": "finance_admin"},
    "alice": {"X-Tenant": "demo", "X-User-Id": "alice", "X-Roles": "finance_admin"},
    "bob": {"X-Tenant": "demo", "X-User-Id": "bob", "X-Roles": "security_admin"},
    "sam": {"X-Tenant": "ops", "X-User-Id": "sam", "X-Roles": "sre"},
}


def api(method, path, body=None, headers=None):
    """One HTTP call over a real socket; (status, parsed JSON or text)."""
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(BASE + path, data=data, method=method, headers={"Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            status, text = response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        status, text = error.code, error.read().decode()
    try:
        return status, json.loads(text)
    except ValueError:
        return status, text


class Browser:
    def __init__(self):
        os.environ["SE_OFFLINE"] = "true"
        options = webdriver.ChromeOptions()
        options.binary_location = "/usr/lib/chromium/chromium"
        for flag in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1400,1000"]:
            options.add_argument(flag)
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        self.driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
        self.driver.execute_cdp_cmd("Network.enable", {})
        self.wait = WebDriverWait(self.driver, 10, ignored_exceptions=(StaleElementReferenceException, JavascriptException))

    def act_as(self, person):
        self.driver.execute_cdp_cmd("Network.setExtraHTTPHeaders", {"headers": PEOPLE[person]})

    def open(self, path, shot=None):
        self.driver.get(BASE + path)
        self.wait.until(lambda d: d.execute_script("return document.readyState") == "complete")
        if shot:
            os.makedirs(SHOTS, exist_ok=True)
            self.driver.save_screenshot(os.path.join(SHOTS, shot + ".png"))

    def submit(self, form):
        """Submits `form` through the page's script and waits for the reload or the notice."""
        # A notice left from the last action must not count as this one's answer.
        marker = self.driver.execute_script("window.__beforeSubmit = true; document.getElementById('notice').hidden = true; return 1")
        form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        # Done when the page reloaded (the marker is gone) or the notice shows a refusal; the
        # page may be mid-navigation while we look, so a vanished element is a retry.
        self.wait.until(lambda d: d.execute_script(
            "const n = document.getElementById('notice');"
            "return document.readyState === 'complete' && (window.__beforeSubmit !== true || (n !== null && !n.hidden))"))
        self.wait.until(lambda d: d.execute_script("return document.readyState") == "complete")
        return marker

    def notice(self):
        box = self.driver.find_element(By.ID, "notice")
        return box.text if box.is_displayed() else ""

    def console(self):
        return self.driver.get_log("browser")

    def quit(self):
        self.driver.quit()


@pytest.fixture(scope="module")
def browser():
    b = Browser()
    yield b
    b.quit()


def override_rows(browser):
    return browser.driver.find_elements(By.CSS_SELECTOR, "tr[data-override]")


def create_override(browser, tenant, multiplier, hours, note):
    form = browser.driver.find_element(By.CSS_SELECTOR, 'form[data-action="override.create"]')
    Select(form.find_element(By.NAME, "tenant_id")).select_by_value(tenant)
    Select(form.find_element(By.NAME, "budget_multiplier")).select_by_value(multiplier)
    Select(form.find_element(By.NAME, "expires_hours")).select_by_value(hours)
    form.find_element(By.NAME, "note").send_keys(note)
    browser.submit(form)


def row_for(browser, tenant):
    for row in override_rows(browser):
        if row.find_elements(By.TAG_NAME, "td")[0].text == tenant:
            return row
    return None


def test_overrides_active_pending_second_approver_extend_revoke(browser):
    browser.act_as("fiona")
    browser.open("/admin/ui/", shot="overview")
    before = browser.driver.find_element(By.ID, "live").text
    browser.open("/admin/ui/overrides")
    create_override(browser, "demo", "1.5", "4", "incident 42: " + XSS)
    demo = row_for(browser, "demo")
    assert demo is not None, browser.notice()
    assert "active" in demo.text, demo.text
    # The justification shows as text: the markup is not in the page.
    assert demo.find_element(By.CSS_SELECTOR, "span.note").text == "incident 42: " + XSS
    # Cost attribution and the override's own audit history.
    assert demo.find_element(By.CSS_SELECTOR, "td.spent").text.startswith("$0.")
    demo.find_element(By.CSS_SELECTOR, "details.history summary").click()
    assert "budget.override" in demo.find_element(By.CSS_SELECTOR, "details.history").text
    assert not browser.driver.find_elements(By.CSS_SELECTOR, "#live img")
    # 2× waits for a second finance_admin; the requester cannot approve it.
    create_override(browser, "test", "2", "1", "month-end batch")
    pending = row_for(browser, "test")
    assert pending is not None and "pending" in pending.text, browser.notice()
    browser.submit(pending.find_element(By.CSS_SELECTOR, 'form[data-action="override.approve"]'))
    assert re.search(r"requester|second|another|own", browser.notice(), re.I), browser.notice()
    assert "pending" in row_for(browser, "test").text
    browser.open("/admin/ui/overrides", shot="overrides")
    browser.act_as("frank")
    browser.open("/admin/ui/overrides")
    browser.submit(row_for(browser, "test").find_element(By.CSS_SELECTOR, 'form[data-action="override.approve"]'))
    assert "active" in row_for(browser, "test").text, browser.notice()
    # The countdown decreases.
    cell = lambda: int(row_for(browser, "test").find_element(By.CSS_SELECTOR, "[data-expires-at]").get_attribute("data-seconds-left"))
    first = cell()
    time.sleep(2.2)
    assert cell() < first
    # Extend: an hour more left; revoke: gone from the list and from the overview's count.
    browser.submit(row_for(browser, "test").find_element(By.CSS_SELECTOR, 'form[data-action="override.extend"]'))
    assert cell() > first + 3000, browser.notice()
    browser.driver.execute_script("window.confirm = () => true")
    browser.submit(row_for(browser, "test").find_element(By.CSS_SELECTOR, 'form[data-action="override.revoke"]'))
    assert row_for(browser, "test") is None, browser.notice()
    browser.open("/admin/ui/")
    assert browser.driver.find_element(By.ID, "live").text != before


def test_four_eyes_approve_then_the_mutation_passes(browser):
    mutation = {"query": 'mutation { bulkDeleteEntities(ids: ["ent-1"]) }'}
    requester = {"X-Tenant": "demo", "X-User-Id": "carol"}
    status, answer = api("POST", "/graphql", mutation, requester)
    assert status == 403, answer
    approval = answer["errors"][0]["extensions"]["approvalRequestId"]
    for person in ["alice", "bob"]:
        browser.act_as(person)
        browser.open("/admin/ui/approvals", shot="approvals" if person == "alice" else None)
        row = browser.driver.find_element(By.CSS_SELECTOR, f'tr[data-approval="{approval}"]')
        browser.submit(row.find_element(By.CSS_SELECTOR, 'form[data-action="approval.approve"]'))
        assert "approved" in browser.notice(), browser.notice()
    status, answer = api("POST", "/graphql", mutation, {**requester, "X-Approval-Id": approval})
    assert status == 200, answer


def test_bulk_reject_of_selected_rows(browser):
    ids = []
    for n in range(2):
        status, answer = api("POST", "/graphql", {"query": f'mutation {{ bulkDeleteEntities(ids: ["bulk-{n}"]) }}'},
                             {"X-Tenant": "demo", "X-User-Id": "carol"})
        assert status == 403, answer
        ids.append(answer["errors"][0]["extensions"]["approvalRequestId"])
    browser.act_as("alice")
    browser.open("/admin/ui/approvals")
    for approval in ids:
        browser.driver.find_element(By.CSS_SELECTOR, f'input[name="select"][value="{approval}"]').click()
    browser.driver.find_element(By.CSS_SELECTOR, 'button[data-bulk-action="approval.reject"]').click()
    browser.wait.until(lambda d: not d.find_elements(By.CSS_SELECTOR, f'tr[data-approval="{ids[0]}"]'))
    assert not browser.driver.find_elements(By.CSS_SELECTOR, f'tr[data-approval="{ids[1]}"]')
    status, listed = api("GET", "/admin/approvals?status=rejected", headers=PEOPLE["alice"])
    assert {a["id"] for a in listed["approvals"]} >= set(ids), listed


def test_chaos_page_and_help(browser):
    browser.act_as("bob")
    browser.open("/admin/ui/chaos")
    form = browser.driver.find_element(By.CSS_SELECTOR, 'form[data-action="chaos.create"]')
    form.find_element(By.NAME, "tenant").send_keys("nobody")
    form.find_element(By.NAME, "reason").send_keys("browser drill")
    Select(form.find_element(By.NAME, "kind")).select_by_value("abort")
    form.find_element(By.NAME, "percent").clear()
    form.find_element(By.NAME, "percent").send_keys("5")
    browser.submit(form)
    assert browser.driver.find_elements(By.CSS_SELECTOR, "tr[data-fault]"), browser.notice()
    browser.open("/admin/ui/chaos", shot="chaos")
    browser.driver.execute_script("window.confirm = () => true")
    browser.submit(browser.driver.find_element(By.CSS_SELECTOR, 'form[data-action="chaos.clear"][data-confirm]'))
    assert not browser.driver.find_elements(By.CSS_SELECTOR, "tr[data-fault]")
    browser.open("/admin/ui/help", shot="help")
    assert "Four-eyes queue" in browser.driver.page_source


def test_canary_health(browser):
    browser.act_as("fiona")
    browser.open("/admin/ui/canary", shot="canary")
    sections = browser.driver.find_elements(By.CSS_SELECTOR, "section[data-canary]")
    assert sections, browser.driver.find_element(By.TAG_NAME, "main").text
    demo = browser.driver.find_element(By.CSS_SELECTOR, 'section[data-canary="demo"]')
    assert "Days clean" in demo.text and "Escalation" in demo.text
    assert len(demo.find_elements(By.CSS_SELECTOR, "svg.chart rect")) == 24
    # The mutations the earlier tests sent are in this hour's bar.
    assert "mutations" in demo.find_element(By.CSS_SELECTOR, "svg.chart rect:last-of-type title").get_attribute("textContent")
    assert demo.find_elements(By.TAG_NAME, "meter")
    # Alert history: without promql.url, the audit log's budget events (the overrides made above).
    assert "from the audit log" in demo.text and "budget.override" in demo.find_element(By.CSS_SELECTOR, "ul.alerts").text


def test_release_controls_follow_the_role_table(browser):
    kill_switch = lambda: browser.driver.find_element(By.CSS_SELECTOR, "tr[data-kill-switch]").get_attribute("data-kill-switch")

    def press_kill_switch(reason):
        browser.driver.execute_script("window.confirm = () => true")
        form = browser.driver.find_element(By.CSS_SELECTOR, 'form[data-action="cutover.kill-switch"]')
        form.find_element(By.NAME, "reason").send_keys(reason)
        browser.submit(form)

    browser.act_as("fiona")  # finance_admin: may move the cost ladder, may not stop a release
    browser.open("/admin/ui/release")
    form = browser.driver.find_element(By.CSS_SELECTOR, 'form[data-action="downshift.set"]')
    Select(form.find_element(By.NAME, "tier")).select_by_value("1")
    form.find_element(By.NAME, "reason").send_keys("browser test: budget drill")
    browser.submit(form)
    assert "tier 1 by fiona" in browser.driver.find_element(By.CSS_SELECTOR, "section[data-downshift]").text, browser.notice()
    # The synthetic checks beside the tier.
    browser.wait.until(lambda d: (d.refresh() or True) and d.find_elements(By.CSS_SELECTOR, 'tr[data-synthetic="journey_query"]'))
    assert "ok" in browser.driver.find_element(By.CSS_SELECTOR, 'tr[data-synthetic="journey_query"]').text
    press_kill_switch("not mine to stop")
    assert browser.notice() and kill_switch() == "off", "a finance_admin's kill switch was not refused"
    browser.act_as("sam")  # sre
    browser.open("/admin/ui/release")
    press_kill_switch("browser test: stop the canary")
    assert kill_switch() == "engaged", browser.notice()
    browser.open("/admin/ui/release", shot="release")
    press_kill_switch("browser test: done")
    assert kill_switch() == "off", browser.notice()
    hand_back = browser.driver.find_element(By.CSS_SELECTOR, 'form[data-action="downshift.auto"]')
    hand_back.find_element(By.NAME, "reason").send_keys("browser test: drill over")
    browser.submit(hand_back)
    assert not browser.driver.find_elements(By.CSS_SELECTOR, 'form[data-action="downshift.auto"]'), browser.notice()


def test_audit_log_filters(browser):
    browser.act_as("fiona")
    browser.open("/admin/ui/audit?action=budget.override")
    rows = browser.driver.find_elements(By.CSS_SELECTOR, "#live tbody tr")
    assert rows, browser.driver.find_element(By.ID, "live").text
    assert all(r.find_elements(By.TAG_NAME, "td")[2].text.startswith("budget.override") for r in rows)
    # The justification with markup, recorded in the audit log, is text here too.
    assert not browser.driver.find_elements(By.CSS_SELECTOR, "#live img")
    browser.open("/admin/ui/audit?tenant=test&limit=5", shot="audit")
    assert len(browser.driver.find_elements(By.CSS_SELECTOR, "#live tbody tr")) <= 5


def test_no_csp_violation_in_the_console(browser):
    browser.console()  # what earlier tests left
    for person, path in [("fiona", "/admin/ui/"), ("fiona", "/admin/ui/overrides"), ("alice", "/admin/ui/approvals"),
                         ("fiona", "/admin/ui/canary"), ("sam", "/admin/ui/release"), ("bob", "/admin/ui/chaos"),
                         ("fiona", "/admin/ui/audit"), ("fiona", "/admin/ui/help")]:
        browser.act_as(person)
        browser.open(path)
        time.sleep(0.3)
    entries = browser.console()
    problems = [e for e in entries if "Content Security Policy" in e.get("message", "") or e.get("source") == "javascript"
                or e.get("level") == "SEVERE"]
    assert problems == [], problems


def test_a_page_the_viewer_may_not_read_says_so(browser):
    browser.act_as("fiona")  # finance_admin: chaos faults are admin and security_admin only
    browser.open("/admin/ui/chaos")
    assert "chaos" in browser.driver.find_element(By.CSS_SELECTOR, "main .notice.bad").text.lower() or \
        browser.driver.find_element(By.CSS_SELECTOR, "main .notice.bad").text


def test_cross_origin_post_without_token_is_refused():
    body = {"tenant_id": "demo", "budget_multiplier": "1.5", "expires_hours": "1", "note": "forged"}
    for headers in [
        {**PEOPLE["fiona"], "Origin": "http://evil.example", "Sec-Fetch-Site": "cross-site"},
        {**PEOPLE["fiona"]},
        {**PEOPLE["fiona"], "X-CSRF-Token": "v1.1.deadbeef"},
    ]:
        status, answer = api("POST", "/admin/ui/actions/override.create", body, headers)
        assert status == 403 and answer["ok"] is False, (headers, answer)
    status, listed = api("GET", "/admin/budget/overrides", headers=PEOPLE["fiona"])
    assert all(o["note"] != "forged" for o in listed["overrides"]), listed


def test_pages_carry_the_security_headers():
    request = urllib.request.Request(BASE + "/admin/ui/overrides", headers=PEOPLE["fiona"])
    with urllib.request.urlopen(request, timeout=10) as response:
        headers = response.headers
    assert "script-src 'self'" in headers["Content-Security-Policy"] and "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff" and headers["Referrer-Policy"] == "no-referrer"
    assert headers.get("Access-Control-Allow-Origin") is None
