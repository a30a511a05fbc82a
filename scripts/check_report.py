#!/usr/bin/python3
"""Open a curate report.html in headless Chromium; fail on console errors or missing SVG charts; save a screenshot.

Usage: check_report.py REPORT.html SCREENSHOT.png [MIN_CHARTS [TEXT]]
Prints one JSON line (charts drawn, section ids, console errors, script and img elements, page height); exits 1 on
an error, too few charts, any script or img element (task text must arrive escaped), or TEXT not shown as text.
"""
import json
import pathlib
import sys

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By

report, screenshot = pathlib.Path(sys.argv[1]).resolve(), sys.argv[2]
min_charts = int(sys.argv[3]) if len(sys.argv) > 3 else 1
needle = sys.argv[4] if len(sys.argv) > 4 else None
options = webdriver.ChromeOptions()
options.binary_location = "/usr/bin/chromium"
for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1200,900"):
    options.add_argument(flag)
options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
try:
    driver.get(report.as_uri())
    errors = [entry["message"] for entry in driver.get_log("browser") if entry["level"] in ("SEVERE", "ERROR")]
    charts = driver.find_elements(By.CSS_SELECTOR, "svg.chart")
    drawn = [c for c in charts if c.size["width"] > 0 and c.size["height"] > 0 and c.find_elements(By.CSS_SELECTOR, "rect, text")]
    sections = [s.get_attribute("id") for s in driver.find_elements(By.TAG_NAME, "section")]
    scripts = len(driver.find_elements(By.TAG_NAME, "script"))
    images = len(driver.find_elements(By.TAG_NAME, "img"))
    shown = needle is None or needle in driver.find_element(By.TAG_NAME, "body").text
    title = driver.title
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(1200, min(height, 4000))
    driver.save_screenshot(screenshot)
finally:
    driver.quit()
print(json.dumps({"charts": len(drawn), "sections": sections, "errors": errors, "scripts": scripts, "images": images,
                  "shown": shown, "title": title, "height": height}))
sys.exit(0 if not errors and len(drawn) >= min_charts and scripts == 0 and images == 0 and shown else 1)
