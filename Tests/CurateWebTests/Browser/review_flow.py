#!/usr/bin/python3
"""Drives the review workbench in headless Chromium (Selenium + chromedriver) the way an editor uses it.

Run by CurateWebTests/BrowserTests.swift against a running `curate review serve`; exits non-zero on the first
failed step, printing which. Usage: review_flow.py SCENARIO URL_WITH_TOKEN [SCREENSHOT_DIR]
Scenarios: edit-approve TASK, conflict TASK, mbpp-704.
"""
import sys
import time

try:
    from selenium import webdriver
    from selenium.common.exceptions import TimeoutException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support import expected_conditions as EC
    from selenium.webdriver.support.ui import WebDriverWait
except ImportError:
    print("selenium is missing: pip install selenium (and apt-get install chromium chromium-driver)", file=sys.stderr)
    sys.exit(3)

WAIT = 30


def browser(editor):
    options = webdriver.ChromeOptions()
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1440,1100",
                     "--force-device-scale-factor=1", "--lang=en-US"):
        options.add_argument(argument)
    options.binary_location = "/usr/bin/chromium"
    service = webdriver.ChromeService(executable_path="/usr/bin/chromedriver") if hasattr(webdriver, "ChromeService") \
        else webdriver.chrome.service.Service(executable_path="/usr/bin/chromedriver")
    driver = webdriver.Chrome(options=options, service=service)
    driver.editor = editor
    return driver


def wait(driver, condition, what):
    try:
        return WebDriverWait(driver, WAIT).until(condition)
    except TimeoutException:
        errors = driver.find_elements(By.ID, "page-error")
        detail = f" (page says: {errors[0].text})" if errors else ""
        raise AssertionError(f"timed out waiting for {what} on {driver.current_url}{detail}") from None


def visible(driver, css, what=None):
    return wait(driver, EC.visibility_of_element_located((By.CSS_SELECTOR, css)), what or css)


def text_in(driver, css, text, what=None):
    wait(driver, EC.text_to_be_present_in_element((By.CSS_SELECTOR, css), text), what or f"'{text}' in {css}")
    return driver.find_element(By.CSS_SELECTOR, css).text


def check(condition, message):
    if not condition:
        raise AssertionError(message)


def sign_in(driver, url):
    """Opens the printed URL (token in the query) and answers the editor-name question once."""
    driver.get(url)
    name = visible(driver, "#editor-input", "the editor-name dialog")
    name.send_keys(driver.editor)
    driver.find_element(By.ID, "editor-save").click()
    text_in(driver, "#editor-button", driver.editor, "the editor name in the header")
    check("token=" not in driver.current_url, "the token stays in the address bar")


def open_task(driver, base, task):
    dataset, source = task.split("/", 1)
    driver.get(f"{base}/tasks/{dataset}/{source}")
    text_in(driver, "#task-id", task)
    visible(driver, "#field-description")


def set_field(driver, css, text):
    field = driver.find_element(By.CSS_SELECTOR, css)
    field.clear()
    field.send_keys(text)


def save(driver, reason):
    set_field(driver, "#save-reason", reason)
    driver.find_element(By.ID, "save-button").click()


def screenshot(driver, directory, name, full_page=False):
    """Saves a PNG into `directory` when one is given; `full_page` grows the window to the page's height first."""
    if not directory:
        return
    if full_page:
        height = driver.execute_script("return document.documentElement.scrollHeight")
        driver.set_window_size(1440, min(2600, height + 140))
        time.sleep(0.3)
    driver.save_screenshot(f"{directory}/{name}")
    if full_page:
        driver.set_window_size(1440, 1100)


def revision_count(driver):
    heading = driver.find_element(By.CSS_SELECTOR, "#revisions h2").text
    return int(heading.split("(")[1].rstrip(")"))


def edit_approve(url, task, shots):
    base = url.split("?")[0].rstrip("/")
    driver = browser("ada")
    try:
        sign_in(driver, url)
        visible(driver, "#queue-table", "the queue table")
        check(driver.find_element(By.ID, "count-remaining").text.isdigit(), "the queue shows a remaining count")
        driver.find_element(By.CSS_SELECTOR, f'tr[data-id="{task}"] a').click()
        text_in(driver, "#task-id", task)
        before = revision_count(driver)
        description = driver.find_element(By.ID, "field-description")
        description.send_keys(" Return the result.")
        save(driver, "clearer description")
        text_in(driver, "#save-result", "Saved revision", "the save result")
        text_in(driver, "#save-result .verdict-headline", "passed", "the verdict of the new revision")
        check(len(driver.find_elements(By.CSS_SELECTOR, "#verdicts table.asserts tr.outcome-passed")) >= 1, "per-assert verdicts are listed")
        set_field(driver, "#action-reason", "checked the tests against the description")
        driver.find_element(By.TAG_NAME, "body").send_keys("a")  # the approve shortcut
        text_in(driver, "#action-result", "approved", "the approval")
        driver.refresh()
        text_in(driver, "#task-id", task)
        check(revision_count(driver) == before + 1, f"a new revision after reload (had {before})")
        text_in(driver, "#revisions li.rev:first-child", "clearer description", "the new revision's reason")
        text_in(driver, "#revisions li.rev:first-child", "by ada", "the new revision's editor")
        visible(driver, "#revisions li.rev:first-child table.diff", "the side-by-side diff of the new revision")
        text_in(driver, "#task-audit-table", "clearer description", "the edit in the task's audit trail")
        text_in(driver, "#task-audit-table", "approved", "the approval in the task's audit trail")
        text_in(driver, ".task-head .pill", "approved", "the approved status pill")
        driver.get(base + "/audit")
        text_in(driver, "#audit-table", task, "the audit log page")
    finally:
        driver.quit()


def conflict(url, task, shots):
    base = url.split("?")[0].rstrip("/")
    first, second = browser("ada"), browser("grace")
    try:
        for driver in (first, second):
            sign_in(driver, url)
            open_task(driver, base, task)
        set_field(first, "#field-description", "First editor's description.")
        save(first, "first editor's wording")
        text_in(first, "#save-result", "Saved revision", "the first save")
        set_field(second, "#field-description", "Second editor's description.")
        save(second, "second editor's wording")
        text_in(second, "#conflict", "someone else changed this task", "the conflict shown to the second editor")
        text_in(second, "#conflict", "by ada", "who made the other revision")
        check(second.find_element(By.ID, "field-description").get_attribute("value") == "Second editor's description.",
              "the second editor's edit is kept in the form")
        second.find_element(By.ID, "conflict-compare").click()
        text_in(second, "#conflict-diff", "First editor's description.", "their text in the comparison")
        text_in(second, "#conflict-diff", "Second editor's description.", "my text in the comparison")
        screenshot(second, shots, "review-conflict.png")
        first.refresh()
        text_in(first, "#task-id", task)
        check(first.find_element(By.ID, "field-description").get_attribute("value") == "First editor's description.",
              "the first editor's revision was not overwritten")
        second.find_element(By.ID, "conflict-overwrite").click()
        text_in(second, "#save-result", "Saved revision", "the explicit save on top of theirs")
    finally:
        first.quit()
        second.quit()


def mbpp_704(url, shots):
    base = url.split("?")[0].rstrip("/")
    driver = browser("ada")
    try:
        sign_in(driver, url)
        visible(driver, "#queue-table", "the queue table")
        open_task(driver, base, "mbpp/704")
        description = driver.find_element(By.ID, "field-description")
        check("harmonic sum of n-1" in description.get_attribute("value"), "mbpp/704 starts with the wrong description")
        set_field(driver, "#field-description", "Write a function to calculate the harmonic sum of n, that is 1 + 1/2 + ... + 1/n.")
        save(driver, "description said n-1 but the solution and tests compute H(n)")
        text_in(driver, "#save-result", "Saved revision", "the save of mbpp/704")
        text_in(driver, "#save-result .verdict-headline", "passed 3/3", "the revalidated verdict of mbpp/704")
        set_field(driver, "#action-reason", "description now matches solution and tests")
        driver.find_element(By.ID, "approve-button").click()
        text_in(driver, "#action-result", "approved", "the approval of mbpp/704")
        driver.refresh()
        text_in(driver, ".task-head .pill", "approved")
        visible(driver, "#revisions li.rev:first-child table.diff", "the diff of the fix")
        driver.execute_script("window.scrollTo(0, 0)")
        screenshot(driver, shots, "review-task.png", full_page=True)
        driver.get(base + "/")
        text_in(driver, "#count-reviewed", "1", "the approval counted in the queue")
        screenshot(driver, shots, "review-queue.png")
    finally:
        driver.quit()


def main():
    scenario, url = sys.argv[1], sys.argv[2]
    rest = sys.argv[3:]
    shots = None
    if scenario == "edit-approve":
        shots = rest[1] if len(rest) > 1 else None
        edit_approve(url, rest[0], shots)
    elif scenario == "conflict":
        shots = rest[1] if len(rest) > 1 else None
        conflict(url, rest[0], shots)
    elif scenario == "mbpp-704":
        shots = rest[0] if rest else None
        mbpp_704(url, shots)
    else:
        print(f"unknown scenario {scenario}", file=sys.stderr)
        return 2
    print(f"{scenario}: ok")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except AssertionError as failure:
        print(f"FAILED: {failure}", file=sys.stderr)
        sys.exit(1)
