package propexo_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pmshooks/pmshooks/lenient"
	"github.com/pmshooks/pmshooks/propexo"
)

// referenceModels is the list of subscribable models in Propexo's OpenAPI
// description of 2026-02-12 (providers/propexo.md, section 2.3), copied as
// text so that the constants are checked against the source, not against
// themselves.
const referenceModels = `accounting_entities, address_types, amenities, ap_codes, ap_codes_to_construction_job,
applicant_pets, applicants, applicants_to_applications, applicants_to_events,
applicants_to_rentable_items, application_statuses, applications, call_logs, charge_code_types,
charge_code_types_to_charge_timings, charge_codes, charge_timings, concessions,
construction_job_details, construction_jobs, contract_details, contracts, crm_agents,
crm_amenities, crm_attributions, crm_communities, crm_communities_to_agents,
crm_communities_to_attributions, crm_events, crm_listings, crm_pet_policies, crm_prospects,
deposit_summaries, deposits, employees, entrata_lease_periods, entrata_unit_types,
entrata_vendor_locations, event_results, event_results_to_event_types, event_sub_types,
event_types, events, fees, file_types, financial_accounts, floor_plans,
integration_configuration_meta_data, invoice_items, invoices, lead_pets, lead_relationships,
lead_sources, leads, leads_to_events, leads_to_rentable_items, lease_services, lease_transfers,
leases, listings, locations, note_categories, owners, owners_to_properties,
payable_register_items, payable_registers, pet_types, properties, property_lists,
property_lists_to_properties, property_office_hours, purchase_order_items,
purchase_order_items_to_invoices, purchase_orders, recurring_resident_charges, rentable_items,
rentvine_application_templates, resident_allocations, resident_charges, resident_insurance,
resident_payments, resident_pets, resident_vehicles, residents, residents_to_events,
residents_to_leases, residents_to_rentable_items, screenings, service_request_access_contacts,
service_request_categories, service_request_locations, service_request_notes,
service_request_priorities, service_request_problems, service_request_statuses,
service_request_vendor_categories, service_request_vendor_contacts, service_request_vendors,
service_request_vendors_insurance, service_request_vendors_to_properties, service_requests,
service_requests_to_employees, service_requests_to_vendors, timezones, transactions,
unit_details, unit_pricing, units, units_to_amenity, vendor_insurance_coverage_types,
vendor_insurance_policy_types, vendor_payment_types`

// kebabObjects2024 is the enum of the payloads' "object" in Propexo's 2024
// webhook schemas.
const kebabObjects2024 = `amenities, applicants, applicants-to-applications, applicants-to-events,
applications, construction-jobs, employees, events, invoices, leads, leads-to-events, leases,
listings, locations, properties, resident-charges, resident-payments, residents,
residents-to-events, residents-to-leases, screenings, service-request-vendors,
service-requests, timezones, units`

func splitList(s string) []string {
	var out []string
	for _, f := range strings.Split(s, ",") {
		out = append(out, strings.TrimSpace(f))
	}
	return out
}

func TestModels(t *testing.T) {
	t.Parallel()
	want := splitList(referenceModels)
	require.Len(t, want, 112)
	got := propexo.Models()
	var names []string
	for _, m := range got {
		names = append(names, m.String())
		assert.True(t, m.Known(), m)
	}
	assert.Equal(t, want, names, "the constants are the reference's 112 models, sorted")
	assert.True(t, slices.IsSorted(got))
	got[0] = "changed"
	assert.Equal(t, propexo.ModelAccountingEntities, propexo.Models()[0], "a new slice on each call")
}

func TestModel_spellings(t *testing.T) {
	t.Parallel()
	for _, obj := range splitList(kebabObjects2024) {
		m := propexo.NormalizeModel(obj)
		assert.True(t, m.Known(), "2024 object %q converts to a known model", obj)
		assert.Equal(t, obj, m.Object())
		assert.NotContains(t, m.String(), "-")
	}
	tests := map[string]struct {
		in     string
		model  propexo.Model
		object string
		known  bool
	}{
		"kebab relation":     {"residents-to-leases", propexo.ModelResidentsToLeases, "residents-to-leases", true},
		"snake relation":     {"residents_to_leases", propexo.ModelResidentsToLeases, "residents-to-leases", true},
		"single word":        {"leases", propexo.ModelLeases, "leases", true},
		"initialism":         {"crm-agents", propexo.ModelCRMAgents, "crm-agents", true},
		"surrounding spaces": {" units ", propexo.ModelUnits, "units", true},
		"unknown model":      {"smart-locks", propexo.Model("smart_locks"), "smart-locks", false},
		"empty":              {"", propexo.Model(""), "", false},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			m := propexo.NormalizeModel(tc.in)
			assert.Equal(t, tc.model, m)
			assert.Equal(t, tc.object, m.Object())
			assert.Equal(t, tc.known, m.Known())
		})
	}
}

func TestModel_UnmarshalJSON(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		json    string
		want    propexo.Model
		wantErr bool
	}{
		"kebab":   {json: `"service-request-vendors"`, want: propexo.ModelServiceRequestVendors},
		"snake":   {json: `"service_request_vendors"`, want: propexo.ModelServiceRequestVendors},
		"null":    {json: `null`, want: ""},
		"number":  {json: `12`, want: "12"},
		"object":  {json: `{"model":"leases"}`, want: `{"model":"leases"}`},
		"escaped": {json: `"lease\u0073"`, want: propexo.ModelLeases},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			var m propexo.Model
			err := json.Unmarshal([]byte(tc.json), &m)
			if tc.wantErr {
				require.ErrorIs(t, err, lenient.ErrType)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, m)
		})
	}

	for _, m := range []propexo.Model{propexo.ModelResidentsToLeases, "residents-to-leases"} {
		b, err := json.Marshal(m)
		require.NoError(t, err)
		assert.JSONEq(t, `"residents_to_leases"`, string(b), "a Model encodes in the subscription spelling")
	}
}

// TestModel_Kind checks that every model gives a singular snake_case kind,
// that no two models share one, and the documented examples.
func TestModel_Kind(t *testing.T) {
	t.Parallel()
	tests := map[propexo.Model]string{
		propexo.ModelLeases:                           "lease",
		propexo.ModelResidents:                        "resident",
		propexo.ModelResidentsToLeases:                "resident_to_lease",
		propexo.ModelProperties:                       "property",
		propexo.ModelApplicationStatuses:              "application_status",
		propexo.ModelServiceRequestVendorsInsurance:   "service_request_vendor_insurance",
		propexo.ModelResidentInsurance:                "resident_insurance",
		propexo.ModelIntegrationConfigurationMetaData: "integration_configuration_meta_data",
		propexo.ModelUnitPricing:                      "unit_pricing",
		propexo.ModelFees:                             "fee",
		"residents-to-leases":                         "resident_to_lease",
		"addresses":                                   "address",
		"boxes":                                       "box",
		"access":                                      "access",
		"":                                            "",
	}
	for m, want := range tests {
		assert.Equal(t, want, m.Kind(), "%q", m)
	}
	seen := map[string]propexo.Model{}
	for _, m := range propexo.Models() {
		k := m.Kind()
		require.Regexp(t, `^[a-z0-9]+(_[a-z0-9]+)*$`, k, m)
		for _, w := range strings.Split(k, "_") {
			if strings.HasSuffix(w, "s") && !strings.HasSuffix(w, "ss") && !strings.HasSuffix(w, "us") {
				assert.Fail(t, "plural word in kind", "%s gives %s", m, k)
			}
		}
		prev, dup := seen[k]
		require.False(t, dup, "%s and %s share the kind %s", prev, m, k)
		seen[k] = m
	}
}
